"""Route data of the approximate line of contact on 12 November 2022, the day after the liberation of Kherson.

After the Kharkiv counter-offensive of September 2022 Ukraine held almost all of Kharkiv oblast and the east bank
of the Oskil (Kupiansk 10-24 September, Lyman 1 October); the line ran from the Russian border east of the Oskil
roughly along the Kharkiv-Luhansk oblast boundary, west of Svatove and Kreminna, to Bilohorivka, then east of
Siversk, Soledar and Bakhmut (fighting on its eastern edge), round Horlivka and Donetsk (Pisky Russian since August
2022, Marinka contested), along the Vuhledar-Velyka Novosilka-Huliaipole-Orikhiv front to Vasylivka, and then the
Kakhovka reservoir (still full) and the Dnipro to its mouth. Russia kept the Kinburn spit. The state of control is
that of ISW's assessments of 11-12 November 2022, the DeepState map and Ukrainian General Staff statements.
"""

from __future__ import annotations

from .build import DniproReach, Front, Step, Waypoint

DATE = "2022-11-12"
ACCURACY = (
    "approximate, +/- 15 km; for illustration, not for operational use; the worst segment's figure "
    "(per segment in the 'segments' property and geodata/SOURCES.md)"
)
SEGMENTS: list[tuple[str, str, str, float]] = [
    (
        "Russian border E of the Oskil",
        "Kreminna",
        "sparse waypoints along the Kharkiv-Luhansk boundary",
        15,
    ),
    (
        "Kreminna",
        "Bakhmut",
        "named settlements (Bilohorivka, Siversk, Soledar, Bakhmut offsets)",
        5,
    ),
    (
        "Bakhmut",
        "Marinka",
        "named settlements (Toretsk, Horlivka, Avdiivka, Pervomaiske, Marinka)",
        5,
    ),
    (
        "Marinka",
        "Orikhiv",
        "sparse waypoints (Vuhledar, Velyka Novosilka, Huliaipole, Orikhiv offsets)",
        10,
    ),
    ("Orikhiv", "Kamianske", "sparse waypoints (Orikhiv-Robotyne midpoint, Kamianske)", 10),
    (
        "Kamianske",
        "Dnipro channel",
        "into the full Kakhovka reservoir (the water was the line)",
        10,
    ),
    (
        "Dnipro channel W of Kamianske",
        "Dnipro mouth",
        "the Dnipro's line through the reservoir and below",
        5,
    ),
    (
        "Dnipro mouth",
        "Kinburn strait",
        "estuary mid-channel, offsets from Stanislav and Ochakiv",
        5,
    ),
]

# North to south. Oblasts as in GeoNames admin-1.
ROUTE: list[Step] = [
    Waypoint(
        "Tavilzhanka",
        "Kharkiv",
        "start ON the Russian border: the border point nearest to a point 8 km east of Tavilzhanka "
        "(Ukrainian-held again since the September 2022 counter-offensive)",
        km=8,
        azimuth=90,
        snap="border",
    ),
    Waypoint(
        "Kupiansk|Kupyansk",
        "Kharkiv",
        "18 km east of Kupiansk (Ukrainian-held since September 2022, the east bank since 24 September): "
        "the Russians on the Kharkiv-Luhansk oblast boundary",
        km=18,
        azimuth=90,
    ),
    Waypoint(
        "Svatove",
        "Luhansk",
        "12 km west of Svatove (Russian-held; Ukrainian forces at Kuzemivka and Novoselivske on the boundary)",
        km=12,
        azimuth=270,
    ),
    Waypoint(
        "Kreminna",
        "Luhansk",
        "6 km west of Kreminna (Russian-held; Ukrainian forces in the forests to its west, Chervonopopivka contested)",
        km=6,
        azimuth=265,
    ),
    Waypoint(
        "Bilohorivka",
        "Luhansk",
        "2 km east of Bilohorivka (Ukrainian-held village on the Siverskyi Donets)",
        km=2,
        azimuth=90,
    ),
    Waypoint(
        "Siversk",
        "Donetsk",
        "8 km east of Siversk (Ukrainian-held; Russians since July 2022 at Verkhnokamianske and Spirne)",
        km=8,
        azimuth=90,
    ),
    Waypoint(
        "Soledar",
        "Donetsk",
        "3 km east of Soledar (Ukrainian-held until January 2023; Bakhmutske and Pidhorodne under attack)",
        km=3,
        azimuth=90,
    ),
    Waypoint(
        "Bakhmut",
        "Donetsk",
        "3 km east of Bakhmut's centre (Ukrainian-held; fighting on its eastern edge, Opytne and Ivanhrad)",
        km=3,
        azimuth=100,
    ),
    Waypoint(
        "Toretsk",
        "Donetsk",
        "10 km east of Toretsk (Ukrainian-held; Mayorsk and Zaitseve fought over)",
        km=10,
        azimuth=90,
    ),
    Waypoint(
        "Zalizne",
        "Donetsk",
        "midway between Zalizne (Ukrainian-held) and Horlivka (Russian-held since 2014)",
        mid=("Horlivka", "Donetsk"),
    ),
    Waypoint(
        "Niu-York|New York",
        "Donetsk",
        "4 km south-east of Niu-York (Ukrainian-held)",
        km=4,
        azimuth=135,
    ),
    Waypoint(
        "Avdiivka",
        "Donetsk",
        "midway between Avdiivka (Ukrainian-held) and Yasynuvata (Russian-held)",
        mid=("Yasynuvata", "Donetsk"),
    ),
    Waypoint(
        "Avdiivka",
        "Donetsk",
        "5 km south-west of Avdiivka (Vodiane and Pisky Russian since August 2022; Sieverne Ukrainian)",
        km=5,
        azimuth=225,
    ),
    Waypoint(
        "Pervomaiske",
        "Donetsk",
        "2 km south-east of Pervomaiske (Ukrainian-held; Nevelske Russian)",
        km=2,
        azimuth=135,
    ),
    Waypoint("Marinka", "Donetsk", "through Marinka (contested; Russian attacks since March 2022)"),
    Waypoint(
        "Vuhledar",
        "Donetsk",
        "3 km east of Vuhledar (Ukrainian-held; Mykilske and Vodiane to its east Russian)",
        km=3,
        azimuth=90,
    ),
    Waypoint(
        "Vuhledar",
        "Donetsk",
        "4 km south of Vuhledar (Pavlivka contested in November 2022)",
        km=4,
        azimuth=190,
    ),
    Waypoint(
        "Velyka Novosilka",
        "Donetsk",
        "6 km south-south-east of Velyka Novosilka (Ukrainian-held; Vremivka Ukrainian, Neskuchne and "
        "Storozheve Russian until June 2023)",
        km=6,
        azimuth=160,
    ),
    Waypoint(
        "Huliaipole|Hulyaypole",
        "Zaporizhzhia",
        "6 km south of Huliaipole (Ukrainian-held; Russian positions at Dorozhnianka, towards Polohy)",
        km=6,
        azimuth=180,
    ),
    Waypoint(
        "Orikhiv",
        "Zaporizhzhia",
        "midway between Orikhiv (Ukrainian-held) and Robotyne (Russian-held until August 2023)",
        mid=("Robotyne", "Zaporizhzhia"),
    ),
    DniproReach(
        start=Waypoint(
            "Kamianske|Kamyanske",
            "Zaporizhzhia",
            "through Kamianske on the left bank of the Kakhovka reservoir (grey zone; Stepnohirsk Ukrainian, "
            "Vasylivka Russian)",
        ),
        join=Waypoint(
            "Kamianske|Kamyanske",
            "Zaporizhzhia",
            "then west into the full Kakhovka reservoir (the water was the line until the dam's destruction on 6 "
            "June 2023) to the Dnipro's line through it",
            km=25,
            azimuth=270,
        ),
        mouth_side=Waypoint(
            "Hola Prystan",
            "Kherson",
            "to the Dnipro's mouth in the delta (the river end nearer Hola Prystan)",
        ),
        note="down the reservoir and the Dnipro: occupied left bank (Vasylivka, Enerhodar, Nova Kakhovka, Oleshky), "
        "Ukrainian right bank (Nikopol, Beryslav, and Kherson, liberated on 11 November 2022)",
    ),
    Waypoint(
        "Stanislav",
        "Kherson",
        "4 km south of Stanislav: mid-channel of the Dnipro-Bug estuary (Kinburn peninsula occupied)",
        km=4,
        azimuth=180,
    ),
    Waypoint(
        "Ochakiv",
        "Mykolaiv",
        "2.5 km south-west of Ochakiv: the strait between Ochakiv and the tip of the (occupied) Kinburn spit",
        km=2.5,
        azimuth=235,
    ),
]

SPLIT_END = Waypoint(
    "Ochakiv",
    "Mykolaiv",
    "15 km west-south-west of Ochakiv: open Black Sea beyond the Kinburn spit (split helper only)",
    km=15,
    azimuth=250,
)

CHECKS: list[tuple[str, str, bool]] = [
    ("Kherson", "Kherson", False),
    ("Mykolaiv", "Mykolaiv", False),
    ("Beryslav", "Kherson", False),
    ("Nikopol", "Dnipropetrovsk", False),
    ("Zaporizhzhia|Zaporizhzhya|Zaporozhye", "Zaporizhzhia", False),
    ("Stepnohirsk", "Zaporizhzhia", False),
    ("Orikhiv", "Zaporizhzhia", False),
    ("Huliaipole|Hulyaypole", "Zaporizhzhia", False),
    ("Velyka Novosilka", "Donetsk", False),
    ("Vuhledar", "Donetsk", False),
    ("Kurakhove", "Donetsk", False),
    ("Avdiivka", "Donetsk", False),
    ("Toretsk", "Donetsk", False),
    ("Bakhmut", "Donetsk", False),
    ("Soledar", "Donetsk", False),
    ("Siversk", "Donetsk", False),
    ("Lyman", "Donetsk", False),
    ("Izium", "Kharkiv", False),
    ("Balakliia", "Kharkiv", False),
    ("Kupiansk|Kupyansk", "Kharkiv", False),
    ("Kharkiv", "Kharkiv", False),
    ("Svatove", "Luhansk", True),
    ("Kreminna", "Luhansk", True),
    ("Sievierodonetsk", "Luhansk", True),
    ("Lysychansk", "Luhansk", True),
    ("Popasna", "Luhansk", True),
    ("Svitlodarsk", "Donetsk", True),
    ("Horlivka", "Donetsk", True),
    ("Donetsk", "Donetsk", True),
    ("Volnovakha", "Donetsk", True),
    ("Mariupol", "Donetsk", True),
    ("Polohy|Pologi", "Zaporizhzhia", True),
    ("Tokmak", "Zaporizhzhia", True),
    ("Robotyne", "Zaporizhzhia", True),
    ("Vasylivka", "Zaporizhzhia", True),
    ("Enerhodar", "Zaporizhzhia", True),
    ("Melitopol", "Zaporizhzhia", True),
    ("Nova Kakhovka", "Kherson", True),
    ("Oleshky", "Kherson", True),
    ("Simferopol", "Crimea", True),
]

FRONT = Front(
    date=DATE,
    line_file="front_line_2022-11-12.geojson",
    occupied_file="occupied_2022-11-12.geojson",
    name="Approximate line of contact, 12 November 2022 (after the liberation of Kherson)",
    source=(
        "Compiled for this project from public reporting of settlement control (ISW assessments, DeepState, "
        "Ukrainian General Staff statements) as of 11-12 November 2022; waypoints are named settlements resolved "
        "through GeoNames"
    ),
    accuracy=ACCURACY,
    segments=SEGMENTS,
    occupied_name="Russian-occupied territory of Ukraine (approximate), 12 November 2022",
    occupied_source=(
        "Derived by splitting the Natural Earth Ukraine polygon (Crimea included) with the compiled line of "
        f"contact of {DATE} (scripts/build_front_line.py); eastern/southern side incl. Crimea"
    ),
    checks=CHECKS,
    route=ROUTE,
    split_end=SPLIT_END,
)
