"""The nations a force or hub may name: ISO 3166-1 alpha-2 codes of plausible contributors and host nations,
the multinational formations, and the names and aliases accepted for them (the scenario and brief formats share
these tables; ``mapper.scenario`` re-exports them)."""

from __future__ import annotations

__all__ = ["MULTINATIONAL", "NATIONS", "NATION_ALIASES"]

# ISO 3166-1 alpha-2 codes of plausible contributors and host nations; 'UK' is accepted for 'GB'.
NATIONS = {
    "AL": "Albania", "AT": "Austria", "AU": "Australia", "BE": "Belgium", "BG": "Bulgaria",
    "CA": "Canada", "CH": "Switzerland", "CY": "Cyprus", "CZ": "Czechia", "DE": "Germany",
    "DK": "Denmark", "EE": "Estonia", "ES": "Spain", "FI": "Finland", "FR": "France",
    "GB": "United Kingdom", "GR": "Greece", "HR": "Croatia", "HU": "Hungary", "IE": "Ireland",
    "IS": "Iceland", "IT": "Italy", "JP": "Japan", "LT": "Lithuania", "LU": "Luxembourg",
    "LV": "Latvia", "MD": "Moldova", "ME": "Montenegro", "MK": "North Macedonia", "MT": "Malta",
    "NL": "Netherlands", "NO": "Norway", "NZ": "New Zealand", "PL": "Poland", "PT": "Portugal",
    "RO": "Romania", "SE": "Sweden", "SI": "Slovenia", "SK": "Slovakia", "TR": "Turkey",
    "UA": "Ukraine", "US": "United States",
}  # fmt: skip
# Multinational formations have no single flag.
MULTINATIONAL = {"MN": "Multinational", "EU": "European Union", "NATO": "NATO"}

# Country names are accepted too (France, United Kingdom, Britain ...): the code is unambiguous either way.
NATION_ALIASES = {
    "UK": "GB",
    "Britain": "GB",
    "Great Britain": "GB",
    "USA": "US",
    "Türkiye": "TR",
    "Turkiye": "TR",
    "Czech Republic": "CZ",
    "Multinational": "MN",
    **{name: code for code, name in NATIONS.items()},
}
