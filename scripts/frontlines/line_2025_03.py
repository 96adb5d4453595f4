"""Route data of the approximate line of contact of 27 March 2025 (the Paris "coalition of the willing" summit).

The state of control is that reported around 27 March 2025 (ISW daily assessments, DeepState map, Ukrainian
General Staff statements), checked against the front-zone list in ``tests/support/front_zone.py``
(``tests/test_front_zone.py``). The published line is a MultiLineString: the Sumy-oblast border pocket of March
2025, then the main line north to south; the occupied area adds the piece the pocket cuts off.
"""

from __future__ import annotations

from .build import BorderReach, DniproReach, Front, Pocket, Step, Waypoint

DATE = "2025-03-27"
NAME = "Approximate line of contact, late March 2025"
SOURCE = (
    "Compiled for this project from public reporting of settlement control (e.g. ISW, DeepState, Ukrainian "
    "General Staff statements) as of late March 2025; waypoints are named settlements resolved through GeoNames"
)
# The first clause is the short form maps put beside the line's date (FrontLine.label): the worst case.
ACCURACY = (
    "approximate, +/- 10 km; for illustration, not for operational use; the worst segment's figure "
    "(per segment in the 'segments' property and geodata/SOURCES.md)"
)
# Per-segment accuracy, north to south: (from, to, basis, +/- km). The overall ACCURACY states the worst case.
SEGMENTS: list[tuple[str, str, str, float]] = [
    (
        "Kursk border W of Zhuravka",
        "Kursk border E of Basivka",
        "border pocket through named villages",
        5,
    ),
    ("border W of Hlyboke", "Vovchansk", "border pocket, fixed inset from the border", 5),
    ("Vovchansk", "Oskil at the border", "border strip, 1.5 km inset from the border", 5),
    ("Oskil at the border", "Kupiansk", "named settlements (Dvorichna, Kupiansk)", 5),
    (
        "Kupiansk",
        "Siversk",
        "sparse waypoints (offsets from Synkivka, Borova, Lyman, Bilohorivka)",
        10,
    ),
    (
        "Siversk",
        "Kostiantynopil",
        "named settlements (Chasiv Yar, Toretsk, Pokrovsk, Zvirove, Kotlyne)",
        5,
    ),
    ("Kostiantynopil", "Huliaipole", "sparse waypoints (Velyka Novosilka, Huliaipole offsets)", 10),
    ("Huliaipole", "Kamianske", "named settlements (Robotyne, Kopani, Piatykhatky, Lobkove)", 5),
    ("Kamianske", "Dnipro channel", "across the drained Kakhovka reservoir bed (grey zone)", 10),
    (
        "Dnipro channel W of Kamianske",
        "Dnipro mouth",
        "Dnipro river line (the line of contact is the river)",
        2,
    ),
    (
        "Dnipro mouth",
        "Kinburn strait",
        "estuary mid-channel, offsets from Stanislav and Ochakiv",
        5,
    ),
]
OCCUPIED_NAME = "Russian-occupied territory of Ukraine (approximate), late March 2025"
OCCUPIED_SOURCE = (
    "Derived by splitting the Natural Earth Ukraine polygon (Crimea included) with the compiled line of contact "
    f"of {DATE} (scripts/build_front_line.py); eastern/southern side incl. Crimea"
)
LINE_FILE = "front_line_2025-03.geojson"
OCCUPIED_FILE = "occupied_2025-03.geojson"


# North to south. Oblasts as in GeoNames admin-1 (current official English names).
ROUTE: list[Step] = [
    Waypoint(
        "Hlyboke",
        "Kharkiv",
        "start ON the Russia-Ukraine border west of Hlyboke: the border point nearest to a point 4 km west of "
        "Hlyboke (the strip Russia took in May 2024 north of Kharkiv; Lyptsi itself Ukrainian)",
        km=4,
        azimuth=270,
        snap="border",
    ),
    Waypoint(
        "Hlyboke",
        "Kharkiv",
        "midway between Hlyboke (Russian-held since May 2024) and Lyptsi (Ukrainian-held)",
        mid=("Lyptsi", "Kharkiv"),
    ),
    BorderReach(
        start=Waypoint("Hlyboke", "Kharkiv", "from the border east of Hlyboke", km=4, azimuth=90),
        end=Waypoint("Vovchansk", "Kharkiv", "to Vovchansk"),
        inset_km=3.0,
        note="3 km inside the border from Lyptsi to Vovchansk: the strip Russia seized in May 2024 "
        "(Hlyboke, Starytsia, Buhruvatka), contested since",
    ),
    Waypoint(
        "Vovchansk",
        "Kharkiv",
        "through Vovchansk (contested since May 2024: Russians north of the Vovcha, Ukrainians south)",
    ),
    BorderReach(
        start=Waypoint(
            "Vovchanski Khutori", "Kharkiv", "east of Vovchansk the line returns to the border"
        ),
        end=Waypoint(
            "Dvorichna",
            "Kharkiv",
            "15 km north-east of Dvorichna: where the Oskil leaves Russia",
            km=15,
            azimuth=45,
        ),
        inset_km=1.5,
        note="along the border, 1.5 km inside Ukraine (border villages in the grey zone or held by Russia), "
        "from east of Vovchansk to the Oskil north of Dvorichna",
    ),
    Waypoint(
        "Dvorichna",
        "Kharkiv",
        "2 km west of Dvorichna (Russian bridgehead on the west bank of the Oskil, early 2025)",
        km=2,
        azimuth=270,
    ),
    Waypoint(
        "Kupiansk|Kupyansk",
        "Kharkiv",
        "5 km north of Kupiansk: Russian forces pushing south from the Dvorichna bridgehead along the west bank "
        "of the Oskil (Kindrashivka, Radkivka); officials on both sides put them 2-7 km from the town",
        km=5,
        azimuth=0,
    ),
    Waypoint(
        "Synkivka",
        "Kharkiv",
        "3 km north of Synkivka (Ukrainian-held east of the Oskil; Russian attacks from the north and east)",
        km=3,
        azimuth=0,
    ),
    Waypoint(
        "Synkivka",
        "Kharkiv",
        "4 km east of Synkivka (Ukraine holds Kupiansk-Vuzlovyi and Petropavlivka to its south)",
        km=4,
        azimuth=90,
    ),
    Waypoint(
        "Borova",
        "Kharkiv",
        "10 km east of Borova (Russian positions at Kopanky/Nadiya)",
        km=10,
        azimuth=90,
    ),
    Waypoint(
        "Lyman",
        "Donetsk",
        "9 km east-north-east of Lyman (fighting at Torske/Terny, Ukrainian-held town)",
        km=9,
        azimuth=70,
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
        "6 km east of Siversk (Russian positions at Verkhnokamianske)",
        km=6,
        azimuth=90,
    ),
    Waypoint(
        "Bakhmut",
        "Donetsk",
        "9 km north-west of Bakhmut (occupied since May 2023)",
        km=9,
        azimuth=315,
    ),
    Waypoint(
        "Chasiv Yar",
        "Donetsk",
        "through Chasiv Yar, 1.5 km west of its centre (Russian forces held most of the town by March 2025)",
        km=1.5,
        azimuth=270,
    ),
    Waypoint(
        "Toretsk",
        "Donetsk",
        "5 km west of Toretsk (occupied, claimed by Russia on 8 February 2025)",
        km=5,
        azimuth=270,
    ),
    Waypoint(
        "Myrnohrad",
        "Donetsk",
        "6 km east of Myrnohrad (Russian forces east of Pokrovsk-Myrnohrad, at Novoekonomichne)",
        km=6,
        azimuth=80,
    ),
    Waypoint(
        "Pokrovsk",
        "Donetsk",
        "5 km south-south-east of Pokrovsk (Russian positions at Shevchenko/Pishchane, 3-5 km from the town's "
        "southern edge)",
        km=5,
        azimuth=160,
    ),
    Waypoint(
        "Zvirove", "Donetsk", "through Zvirove (south-west of Pokrovsk, grey zone in March 2025)"
    ),
    Waypoint(
        "Kotlyne",
        "Donetsk",
        "2.5 km south-south-east of Kotlyne (fought over January-February 2025, retaken by Ukraine on 26 February)",
        km=2.5,
        azimuth=150,
    ),
    Waypoint(
        "Udachne",
        "Donetsk",
        "4 km south-east of Udachne (Ukrainian-held, west of Kotlyne)",
        km=4,
        azimuth=135,
    ),
    Waypoint(
        "Kostiantynopil",
        "Donetsk",
        "through Kostiantynopil (contested in March 2025; Ulakly and Kurakhove to its east occupied since January)",
    ),
    Waypoint(
        "Velyka Novosilka",
        "Donetsk",
        "10 km north-west of Velyka Novosilka (occupied January 2025)",
        km=10,
        azimuth=305,
    ),
    Waypoint(
        "Huliaipole|Hulyaypole",
        "Zaporizhzhia",
        "12 km south-east of Huliaipole (Ukrainian-held town; Russian positions towards Polohy)",
        km=12,
        azimuth=135,
    ),
    Waypoint(
        "Robotyne",
        "Zaporizhzhia",
        "through Robotyne (grey zone in 2025; Novodanylivka to its north Ukrainian)",
    ),
    Waypoint(
        "Kopani",
        "Zaporizhzhia",
        "2.5 km north of Kopani (Russian-held, west-north-west of Robotyne)",
        km=2.5,
        azimuth=0,
    ),
    Waypoint(
        "Piatykhatky",
        "Zaporizhzhia",
        "through Piatykhatky (grey zone, ~25 km south-west of Orikhiv)",
    ),
    Waypoint("Lobkove", "Zaporizhzhia", "through Lobkove (grey zone, east of Kamianske)"),
    DniproReach(
        start=Waypoint(
            "Kamianske|Kamyanske",
            "Zaporizhzhia",
            "through Kamianske on the left bank of the drained Kakhovka reservoir (grey zone)",
        ),
        join=Waypoint(
            "Kamianske|Kamyanske",
            "Zaporizhzhia",
            "then due west across the drained reservoir bed to the Dnipro channel (Ukraine holds the bed and the "
            "left bank north of here: Stepnohirsk, Prymorske; Russia the left bank south: Vasylivka, Enerhodar)",
            km=25,
            azimuth=270,
        ),
        mouth_side=Waypoint(
            "Hola Prystan",
            "Kherson",
            "to the Dnipro's mouth in the delta (the river end nearer Hola Prystan)",
        ),
        note="down the Dnipro: occupied left bank (Vasylivka, Enerhodar, Nova Kakhovka, Oleshky, Hola Prystan), "
        "Ukrainian right bank (Nikopol, Beryslav, Kherson)",
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
POCKETS: list[Pocket] = [
    Pocket(
        name="Sumy oblast, March 2025",
        held=Waypoint(
            "Novenke", "Sumy", "seized by Russia in March 2025 (Russian MoD claim, assessed by ISW)"
        ),
        route=[
            Waypoint(
                "Zhuravka",
                "Sumy",
                "from the Kursk border west of Zhuravka: the border point nearest to a point 3 km west of it",
                km=3,
                azimuth=270,
                snap="border",
            ),
            Waypoint(
                "Zhuravka",
                "Sumy",
                "through Zhuravka (claimed by Russia in March 2025, unconfirmed)",
            ),
            Waypoint(
                "Novenke",
                "Sumy",
                "2.5 km south of Novenke (Yunakivka, 7.5 km south, Ukrainian-held)",
                km=2.5,
                azimuth=180,
            ),
            Waypoint(
                "Basivka", "Sumy", "through Basivka (claimed by Russia in March 2025, contested)"
            ),
            Waypoint(
                "Basivka",
                "Sumy",
                "back to the border: the border point nearest to a point 3 km east of Basivka",
                km=3,
                azimuth=90,
                snap="border",
            ),
        ],
    ),
]

# Only for splitting the Ukraine polygon, never part of the published line: a line of contact that ran on into
# the open sea would shorten every distance from Odesa and the coast by the length of the extension.
SPLIT_END = Waypoint(
    "Ochakiv",
    "Mykolaiv",
    "15 km west-south-west of Ochakiv: open Black Sea beyond the Kinburn spit (split helper only)",
    km=15,
    azimuth=250,
)

# Settlement-control checks (name, oblast, expected inside the occupied area).
CHECKS: list[tuple[str, str, bool]] = [
    ("Kherson", "Kherson", False),
    ("Nikopol", "Dnipropetrovsk", False),
    ("Orikhiv", "Zaporizhzhia", False),
    ("Kupiansk|Kupyansk", "Kharkiv", False),
    ("Pokrovsk", "Donetsk", False),
    ("Zaporizhzhia|Zaporizhzhya|Zaporozhye", "Zaporizhzhia", False),
    ("Kharkiv", "Kharkiv", False),
    ("Nova Kakhovka", "Kherson", True),
    ("Enerhodar", "Zaporizhzhia", True),
    ("Toretsk", "Donetsk", True),
    ("Donetsk", "Donetsk", True),
    ("Melitopol", "Zaporizhzhia", True),
    ("Mariupol", "Donetsk", True),
    ("Luhansk", "Luhansk", True),
    ("Simferopol", "Crimea", True),
    ("Sevastopol", "Sevastopol", True),
    ("Kurakhove", "Donetsk", True),
    ("Velyka Novosilka", "Donetsk", True),
    ("Hlyboke", "Kharkiv", True),
    ("Novenke", "Sumy", True),
    ("Sumy", "Sumy", False),
    ("Yunakivka", "Sumy", False),
    ("Lyptsi", "Kharkiv", False),
    ("Stepnohirsk", "Zaporizhzhia", False),
    ("Vasylivka", "Zaporizhzhia", True),
]

FRONT = Front(
    date=DATE,
    line_file=LINE_FILE,
    occupied_file=OCCUPIED_FILE,
    name=NAME,
    source=SOURCE,
    accuracy=ACCURACY,
    segments=SEGMENTS,
    occupied_name=OCCUPIED_NAME,
    occupied_source=OCCUPIED_SOURCE,
    checks=CHECKS,
    route=ROUTE,
    split_end=SPLIT_END,
    pockets=POCKETS,
)
