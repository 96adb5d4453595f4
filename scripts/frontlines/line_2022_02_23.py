"""Route data of the line of contact on 23 February 2022, the eve of the full-scale invasion.

Two parts: Crimea and Sevastopol (occupied since February-March 2014), whose line is the administrative boundary
with Kherson oblast in Natural Earth's admin-1 polygons (``geodata/regions.geojson``: "Crimea", "Sevastopol",
"Kherson"), across the Perekop isthmus, the Syvash/Chonhar and the Arabat spit; and the 2015-2022 line of contact
in Donetsk and Luhansk oblasts (the Minsk line, stable from the fall of Debaltseve in February 2015 to 2022), from
the Russian border on the Siverskyi Donets east of Stanytsia Luhanska to the Azov coast between Shyrokyne and
Sakhanka. The state of control is that of the OSCE Special Monitoring Mission's maps and daily reports (2015-2022)
and the Ukrainian and separatist checkpoints on the line (Stanytsia Luhanska, Zolote, Mayorsk, Marinka,
Novotroitske, Hnutove).
"""

from __future__ import annotations

from .build import Front, Pocket, RegionBoundary, Waypoint

DATE = "2022-02-23"
ACCURACY = (
    "approximate, +/- 5 km; for illustration, not for operational use; the worst segment's figure "
    "(per segment in the 'segments' property and geodata/SOURCES.md)"
)
SEGMENTS: list[tuple[str, str, str, float]] = [
    (
        "Perekop isthmus",
        "Arabat spit",
        "Natural Earth admin-1 boundary of Crimea with Kherson oblast",
        2,
    ),
    (
        "Russian border on the Donets",
        "Shchastia",
        "the Siverskyi Donets (offsets from Stanytsia Luhanska)",
        3,
    ),
    (
        "Shchastia",
        "Svitlodarsk",
        "named settlements (Krymske, Zolote/Pervomaisk, Popasna, Svitlodarsk)",
        5,
    ),
    (
        "Svitlodarsk",
        "Marinka",
        "named settlements (Horlivka, Toretsk, Avdiivka/Yasynuvata, Donetsk airport)",
        5,
    ),
    (
        "Marinka",
        "Azov coast",
        "sparse waypoints (offsets from Dokuchaievsk, Volnovakha, Talakivka, Shyrokyne)",
        5,
    ),
]

REGIONS = RegionBoundary(
    held=("Crimea", "Sevastopol"),
    other="Kherson",
    note="Crimea and Sevastopol, occupied by Russia since February-March 2014 (annexation claimed 18 March "
    "2014); the line is their boundary with Kherson oblast (Perekop, Chonhar, Arabat spit)",
)

DONBAS = Pocket(
    name="Donetsk and Luhansk oblasts, 2015-2022 line of contact",
    held=Waypoint("Donetsk", "Donetsk", "held by the Russian-led 'DNR' since April 2014"),
    max_km2=25_000.0,
    route=[
        Waypoint(
            "Krasna Talivka",
            "Luhansk",
            "start ON the Russian border where the Siverskyi Donets leaves Ukraine: the border point nearest to a "
            "point 3 km south of Krasna Talivka (Ukrainian-held north bank; the south bank held by the 'LNR')",
            km=3,
            azimuth=180,
            snap="border",
        ),
        Waypoint(
            "Stanytsia Luhanska|Stanytsya Luhanska",
            "Luhansk",
            "2 km south of Stanytsia Luhanska (Ukrainian-held; the Donets bridge was the crossing point)",
            km=2,
            azimuth=180,
        ),
        Waypoint(
            "Shchastia|Shchastya",
            "Luhansk",
            "midway between Shchastia (Ukrainian-held, north bank) and Vesela Hora ('LNR')",
            mid=("Vesela Hora", "Luhansk"),
        ),
        Waypoint(
            "Krymske",
            "Luhansk",
            "3 km south of Krymske (Ukrainian-held on the Donets; Sokilnyky and Zholobok 'LNR')",
            km=3,
            azimuth=180,
        ),
        Waypoint(
            "Novotoshkivske",
            "Luhansk",
            "3 km south-east of Novotoshkivske (Ukrainian-held)",
            km=3,
            azimuth=135,
        ),
        Waypoint(
            "Zolote",
            "Luhansk",
            "midway between Zolote (Ukrainian-held, a disengagement area from 2019) and Pervomaisk ('LNR')",
            mid=("Pervomaisk", "Luhansk"),
        ),
        Waypoint(
            "Popasna",
            "Luhansk",
            "5 km south-east of Popasna (Ukrainian-held; Kalynove 'LNR')",
            km=5,
            azimuth=135,
        ),
        Waypoint(
            "Svitlodarsk",
            "Donetsk",
            "midway between Svitlodarsk (Ukrainian-held) and Debaltseve ('DNR' since February 2015)",
            mid=("Debaltseve", "Donetsk"),
        ),
        Waypoint(
            "Toretsk",
            "Donetsk",
            "10 km east of Toretsk (Ukrainian-held; Mayorsk checkpoint, Zaitseve divided)",
            km=10,
            azimuth=90,
        ),
        Waypoint(
            "Zalizne",
            "Donetsk",
            "midway between Zalizne (Ukrainian-held) and Horlivka ('DNR')",
            mid=("Horlivka", "Donetsk"),
        ),
        Waypoint(
            "Niu-York|New York",
            "Donetsk",
            "4 km south-east of Niu-York (Ukrainian-held; renamed from Novhorodske in 2021)",
            km=4,
            azimuth=135,
        ),
        Waypoint(
            "Avdiivka",
            "Donetsk",
            "midway between Avdiivka (Ukrainian-held) and Yasynuvata ('DNR')",
            mid=("Yasynuvata", "Donetsk"),
        ),
        Waypoint(
            "Donetsk",
            "Donetsk",
            "11 km north-west of Donetsk's centre: between the ruined airport ('DNR' since January 2015) and "
            "Pisky (Ukrainian-held)",
            km=11,
            azimuth=300,
        ),
        Waypoint(
            "Pervomaiske",
            "Donetsk",
            "4 km south-east of Pervomaiske (Ukrainian-held; Nevelske Ukrainian, the Petrovskyi district 'DNR')",
            km=4,
            azimuth=150,
        ),
        Waypoint(
            "Marinka",
            "Donetsk",
            "3 km east of Marinka (Ukrainian-held; Oleksandrivka and Donetsk's western edge 'DNR')",
            km=3,
            azimuth=90,
        ),
        Waypoint(
            "Olenivka",
            "Donetsk",
            "6 km west of Olenivka ('DNR'; Novotroitske checkpoint Ukrainian)",
            km=6,
            azimuth=270,
        ),
        Waypoint(
            "Dokuchaievsk",
            "Donetsk",
            "6 km south-west of Dokuchaievsk ('DNR')",
            km=6,
            azimuth=225,
        ),
        Waypoint(
            "Volnovakha",
            "Donetsk",
            "15 km east of Volnovakha: Hranitne on the Kalmius (Ukrainian-held, west bank)",
            km=15,
            azimuth=90,
        ),
        Waypoint(
            "Boikivske|Telmanove",
            "Donetsk",
            "14 km west of Boikivske ('DNR'; Starohnativka and Bohdanivka Ukrainian)",
            km=14,
            azimuth=270,
        ),
        Waypoint(
            "Talakivka",
            "Donetsk",
            "6 km east of Talakivka (Ukrainian-held; Vodiane and Hnutove Ukrainian, Kominternove 'DNR')",
            km=6,
            azimuth=90,
        ),
        Waypoint(
            "Shyrokyne",
            "Donetsk",
            "3 km east of Shyrokyne (grey zone after the 2015 fighting, held by Ukraine; Sakhanka 'DNR')",
            km=3,
            azimuth=80,
        ),
        Waypoint(
            "Shyrokyne",
            "Donetsk",
            "into the Sea of Azov, 6 km south-east of Shyrokyne (between Mariupol and Novoazovsk)",
            km=6,
            azimuth=135,
        ),
    ],
)

CHECKS: list[tuple[str, str, bool]] = [
    ("Simferopol", "Crimea", True),
    ("Sevastopol", "Sevastopol", True),
    ("Kerch", "Crimea", True),
    ("Armiansk", "Crimea", True),
    ("Donetsk", "Donetsk", True),
    ("Luhansk", "Luhansk", True),
    ("Horlivka", "Donetsk", True),
    ("Debaltseve", "Donetsk", True),
    ("Yasynuvata", "Donetsk", True),
    ("Pervomaisk", "Luhansk", True),
    ("Dokuchaievsk", "Donetsk", True),
    ("Olenivka", "Donetsk", True),
    ("Novoazovsk", "Donetsk", True),
    ("Mariupol", "Donetsk", False),
    ("Avdiivka", "Donetsk", False),
    ("Marinka", "Donetsk", False),
    ("Toretsk", "Donetsk", False),
    ("Svitlodarsk", "Donetsk", False),
    ("Popasna", "Luhansk", False),
    ("Zolote", "Luhansk", False),
    ("Shchastia|Shchastya", "Luhansk", False),
    ("Stanytsia Luhanska|Stanytsya Luhanska", "Luhansk", False),
    ("Volnovakha", "Donetsk", False),
    ("Sievierodonetsk", "Luhansk", False),
    ("Henichesk", "Kherson", False),
    ("Chaplynka", "Kherson", False),
    ("Kherson", "Kherson", False),
    ("Melitopol", "Zaporizhzhia", False),
]

FRONT = Front(
    date=DATE,
    line_file="front_line_2022-02-23.geojson",
    occupied_file="occupied_2022-02-23.geojson",
    name="Approximate line of contact, 23 February 2022 (Crimea and the 2015-2022 Donbas line)",
    source=(
        "Compiled for this project: the Crimea-Kherson administrative boundary of Natural Earth admin-1, and the "
        "2015-2022 Donbas line of contact from public reporting (OSCE SMM maps and reports, Ukrainian General "
        "Staff); waypoints are named settlements resolved through GeoNames"
    ),
    accuracy=ACCURACY,
    segments=SEGMENTS,
    occupied_name="Russian-occupied territory of Ukraine (approximate), 23 February 2022",
    occupied_source=(
        "Natural Earth admin-1 Crimea and Sevastopol, plus the part of the Natural Earth Ukraine polygon the "
        f"compiled Donbas line of {DATE} cuts off (scripts/build_front_line.py)"
    ),
    checks=CHECKS,
    pockets=[DONBAS],
    regions=REGIONS,
)
