"""Route data of the approximate line of contact on 31 December 2024.

As on 31 December 2023, plus the Russian gains of 2024: Avdiivka (17 February), Ocheretyne (May), Novohrodivka
(September), Selydove (October), Hirnyk, Ukrainsk, Vuhledar (1 October), Krasnohorivka (September), most of
Kurakhove (its last blocks early January 2025), the approach to Pokrovsk (Russians 6-8 km from it), most of
Toretsk and the east of Chasiv Yar (the Kanal district, July 2024), the Kharkiv border strip of May 2024 (Hlyboke,
Vovchansk north of the Vovcha) and the Dvorichna bridgehead over the Oskil. Ukraine's incursion into Russia's
Kursk oblast (from 6 August 2024) is NOT modelled: Russia's territory is taken whole. The state of control is that
of ISW's assessments of late December 2024, the DeepState map and Ukrainian General Staff statements; from
Huliaipole to the Kinburn strait the line is that of 27 March 2025 (no change of note in those three months).
"""

from __future__ import annotations

from .build import BorderReach, DniproReach, Front, Step, Waypoint

DATE = "2024-12-31"
ACCURACY = (
    "approximate, +/- 10 km; for illustration, not for operational use; the worst segment's figure "
    "(per segment in the 'segments' property and geodata/SOURCES.md)"
)
SEGMENTS: list[tuple[str, str, str, float]] = [
    ("border W of Hlyboke", "Vovchansk", "border pocket, fixed inset from the border", 5),
    ("Vovchansk", "Oskil at the border", "border strip, 1.5 km inset from the border", 5),
    ("Oskil at the border", "Kupiansk", "named settlements (Dvorichna, Kupiansk)", 5),
    (
        "Kupiansk",
        "Siversk",
        "sparse waypoints (offsets from Synkivka, Borova, Lyman, Bilohorivka)",
        10,
    ),
    ("Siversk", "Kurakhove", "named settlements (Chasiv Yar, Toretsk, Pokrovsk, Kurakhove)", 5),
    (
        "Kurakhove",
        "Huliaipole",
        "sparse waypoints (Ulakly, Velyka Novosilka, Huliaipole offsets)",
        10,
    ),
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
        "1 km west of Dvorichna (the Russian bridgehead over the Oskil, late 2024)",
        km=1,
        azimuth=270,
    ),
    Waypoint(
        "Kupiansk|Kupyansk",
        "Kharkiv",
        "7 km north of Kupiansk (Ukrainian-held; Russian forces pushing south from Dvorichna along the Oskil)",
        km=7,
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
        "10 km east of Borova (Russian gains towards the Oskil at Kruhliakivka and Zahryzove, late 2024)",
        km=10,
        azimuth=90,
    ),
    Waypoint(
        "Lyman",
        "Donetsk",
        "10 km east-north-east of Lyman (Ukrainian-held; fighting at Torske and Terny)",
        km=10,
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
        "8 km north-west of Bakhmut (occupied since May 2023)",
        km=8,
        azimuth=315,
    ),
    Waypoint(
        "Chasiv Yar",
        "Donetsk",
        "through Chasiv Yar's centre (the Kanal district east of the canal Russian since July 2024, the centre "
        "and west contested)",
    ),
    Waypoint(
        "Toretsk",
        "Donetsk",
        "1.5 km west of Toretsk's centre (Russian forces held most of the town by late December 2024)",
        km=1.5,
        azimuth=270,
    ),
    Waypoint(
        "Myrnohrad",
        "Donetsk",
        "8 km east of Myrnohrad (Ukrainian-held; Russian forces at Vozdvyzhenka and Novoekonomichne's approaches)",
        km=8,
        azimuth=80,
    ),
    Waypoint(
        "Pokrovsk",
        "Donetsk",
        "7 km south-south-east of Pokrovsk (Ukrainian-held; Russian positions at Pishchane and Zhovte, 6-8 km "
        "from the town)",
        km=7,
        azimuth=160,
    ),
    Waypoint(
        "Shevchenko",
        "Donetsk",
        "through Shevchenko (south-west of Pokrovsk, reached by Russian forces in December 2024)",
    ),
    Waypoint(
        "Udachne",
        "Donetsk",
        "6 km south-east of Udachne (Ukrainian-held; Novyi Trud and Novoolenivka Russian)",
        km=6,
        azimuth=135,
    ),
    Waypoint(
        "Kurakhove",
        "Donetsk",
        "5 km west of Kurakhove's centre (most of the town Russian by late December 2024, its western blocks and "
        "the power plant contested until early January 2025; Dachne lost)",
        km=5,
        azimuth=270,
    ),
    Waypoint(
        "Ulakly",
        "Donetsk",
        "through Ulakly (contested; Kostiantynopil 3 km west Ukrainian)",
    ),
    Waypoint(
        "Velyka Novosilka",
        "Donetsk",
        "4 km east of Velyka Novosilka (Ukrainian-held until January 2025; Russian forces at Rozdolne and Novyi "
        "Komar to its north-east; Vuhledar Russian since 1 October 2024)",
        km=4,
        azimuth=80,
    ),
    Waypoint(
        "Velyka Novosilka",
        "Donetsk",
        "4 km south of Velyka Novosilka (Storozheve, Neskuchne, Staromaiorske and Urozhaine retaken by Russia in "
        "2024)",
        km=4,
        azimuth=190,
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
        "through Robotyne (grey zone since 2024; Novodanylivka to its north Ukrainian)",
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
# Only for splitting the Ukraine polygon, never part of the published line: a line of contact that ran on into
# the open sea would shorten every distance from Odesa and the coast by the length of the extension.
SPLIT_END = Waypoint(
    "Ochakiv",
    "Mykolaiv",
    "15 km west-south-west of Ochakiv: open Black Sea beyond the Kinburn spit (split helper only)",
    km=15,
    azimuth=250,
)

CHECKS: list[tuple[str, str, bool]] = [
    ("Kherson", "Kherson", False),
    ("Nikopol", "Dnipropetrovsk", False),
    ("Stepnohirsk", "Zaporizhzhia", False),
    ("Orikhiv", "Zaporizhzhia", False),
    ("Huliaipole|Hulyaypole", "Zaporizhzhia", False),
    ("Velyka Novosilka", "Donetsk", False),
    ("Kostiantynopil", "Donetsk", False),
    ("Pokrovsk", "Donetsk", False),
    ("Myrnohrad", "Donetsk", False),
    ("Kostiantynivka", "Donetsk", False),
    ("Siversk", "Donetsk", False),
    ("Lyman", "Donetsk", False),
    ("Kupiansk|Kupyansk", "Kharkiv", False),
    ("Lyptsi", "Kharkiv", False),
    ("Kharkiv", "Kharkiv", False),
    ("Sumy", "Sumy", False),
    ("Hlyboke", "Kharkiv", True),
    ("Avdiivka", "Donetsk", True),
    ("Ocheretyne", "Donetsk", True),
    ("Novohrodivka", "Donetsk", True),
    ("Selydove", "Donetsk", True),
    ("Hirnyk", "Donetsk", True),
    ("Ukrainsk", "Donetsk", True),
    ("Kurakhove", "Donetsk", True),
    ("Krasnohorivka", "Donetsk", True),
    ("Vuhledar", "Donetsk", True),
    ("Marinka", "Donetsk", True),
    ("Bakhmut", "Donetsk", True),
    ("Donetsk", "Donetsk", True),
    ("Vasylivka", "Zaporizhzhia", True),
    ("Enerhodar", "Zaporizhzhia", True),
    ("Nova Kakhovka", "Kherson", True),
    ("Melitopol", "Zaporizhzhia", True),
    ("Simferopol", "Crimea", True),
]

FRONT = Front(
    date=DATE,
    line_file="front_line_2024-12-31.geojson",
    occupied_file="occupied_2024-12-31.geojson",
    name="Approximate line of contact, 31 December 2024",
    source=(
        "Compiled for this project from public reporting of settlement control (ISW assessments, DeepState, "
        "Ukrainian General Staff statements) as of late December 2024; waypoints are named settlements resolved "
        "through GeoNames"
    ),
    accuracy=ACCURACY,
    segments=SEGMENTS,
    occupied_name="Russian-occupied territory of Ukraine (approximate), 31 December 2024",
    occupied_source=(
        "Derived by splitting the Natural Earth Ukraine polygon (Crimea included) with the compiled line of "
        f"contact of {DATE} (scripts/build_front_line.py); eastern/southern side incl. Crimea; Kursk incursion "
        "not modelled"
    ),
    checks=CHECKS,
    route=ROUTE,
    split_end=SPLIT_END,
)
