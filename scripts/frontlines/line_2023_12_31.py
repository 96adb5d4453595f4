"""Route data of the approximate line of contact on 31 December 2023.

As on 12 November 2022, plus the Russian gains of 2023 (Soledar in January, Bakhmut in May, the Kreminna forests
and the Synkivka/Kupiansk axis, small gains round Avdiivka from October: Stepove and the ash heap north of the coke
plant; Marinka, claimed on 25 December) and the Ukrainian gains of the summer counter-offensive (Staromaiorske,
Urozhaine and the villages south of Velyka Novosilka; Robotyne in August; Klishchiivka and Andriivka south of
Bakhmut in September; Piatykhatky west of Orikhiv in June). The Kakhovka reservoir drained after the dam's
destruction on 6 June 2023; the line crosses its bed due west of Kamianske to the channel. The small Ukrainian
bridgehead at Krynky on the left bank of the Dnipro (a few km², from October 2023) is NOT drawn: the left bank
counts as occupied. The state of control is that of ISW's assessments of late December 2023, the DeepState map and
Ukrainian General Staff statements.
"""

from __future__ import annotations

from .build import DniproReach, Front, Step, Waypoint

DATE = "2023-12-31"
ACCURACY = (
    "approximate, +/- 15 km; for illustration, not for operational use; the worst segment's figure "
    "(per segment in the 'segments' property and geodata/SOURCES.md)"
)
SEGMENTS: list[tuple[str, str, str, float]] = [
    (
        "Russian border E of the Oskil",
        "Kreminna",
        "sparse waypoints (Synkivka, Kupiansk, Svatove offsets)",
        15,
    ),
    ("Kreminna", "Bakhmut", "named settlements (Bilohorivka, Siversk, Bakhmut, Klishchiivka)", 5),
    (
        "Bakhmut",
        "Marinka",
        "named settlements (Toretsk, Horlivka, Avdiivka offsets, Krasnohorivka, Marinka)",
        5,
    ),
    (
        "Marinka",
        "Huliaipole",
        "sparse waypoints (Vuhledar, Velyka Novosilka, Huliaipole offsets)",
        10,
    ),
    ("Huliaipole", "Kamianske", "named settlements (Robotyne, Kopani, Piatykhatky, Lobkove)", 5),
    ("Kamianske", "Dnipro channel", "across the drained Kakhovka reservoir bed (grey zone)", 10),
    (
        "Dnipro channel W of Kamianske",
        "Dnipro mouth",
        "Dnipro river line (Krynky bridgehead not drawn)",
        3,
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
        "start ON the Russian border: the border point nearest to a point 6 km east of Tavilzhanka "
        "(Ukrainian-held; Russian pressure along the border towards the Oskil)",
        km=6,
        azimuth=90,
        snap="border",
    ),
    Waypoint(
        "Synkivka",
        "Kharkiv",
        "7 km east of Synkivka (Ukrainian-held; Russian attacks from Petropavlivka's east, Tabaivka and "
        "Krokhmalne Russian from mid-2023)",
        km=7,
        azimuth=90,
    ),
    Waypoint(
        "Kupiansk|Kupyansk",
        "Kharkiv",
        "13 km east of Kupiansk (Ukrainian-held; the Russians pushed west from the Luhansk boundary in 2023)",
        km=13,
        azimuth=95,
    ),
    Waypoint(
        "Svatove",
        "Luhansk",
        "15 km west of Svatove (Russian-held; the line on or just west of the Kharkiv-Luhansk boundary)",
        km=15,
        azimuth=265,
    ),
    Waypoint(
        "Kreminna",
        "Luhansk",
        "9 km west of Kreminna (Russian-held; Russian gains in the Serebrianske forest in 2023)",
        km=9,
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
        "7 km east of Siversk (Ukrainian-held; Russians at Verkhnokamianske)",
        km=7,
        azimuth=90,
    ),
    Waypoint(
        "Soledar",
        "Donetsk",
        "6 km north-west of Soledar (Russian-held since January 2023; Rozdolivka Russian)",
        km=6,
        azimuth=300,
    ),
    Waypoint(
        "Bakhmut",
        "Donetsk",
        "5 km west of Bakhmut (Russian-held since 20 May 2023; Khromove Russian, Ivanivske and Chasiv Yar "
        "Ukrainian)",
        km=5,
        azimuth=270,
    ),
    Waypoint(
        "Klishchiivka",
        "Donetsk",
        "1.5 km east of Klishchiivka (retaken by Ukraine on 17 September 2023, with Andriivka to its south)",
        km=1.5,
        azimuth=100,
    ),
    Waypoint(
        "Toretsk",
        "Donetsk",
        "10 km east of Toretsk (Ukrainian-held)",
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
        "5 km north of Avdiivka (Ukrainian-held; Stepove contested and the ash heap north of the coke plant "
        "Russian since October-December 2023, Krasnohorivka north-east Russian)",
        km=5,
        azimuth=350,
    ),
    Waypoint(
        "Avdiivka",
        "Donetsk",
        "2.5 km east of Avdiivka (the coke plant Ukrainian; the industrial zone south-east contested)",
        km=2.5,
        azimuth=90,
    ),
    Waypoint(
        "Avdiivka",
        "Donetsk",
        "4 km south-west of Avdiivka (Sieverne contested; Vodiane, Opytne and Pisky Russian)",
        km=4,
        azimuth=225,
    ),
    Waypoint(
        "Pervomaiske",
        "Donetsk",
        "2 km south-east of Pervomaiske (Ukrainian-held; Nevelske Russian)",
        km=2,
        azimuth=135,
    ),
    Waypoint(
        "Krasnohorivka",
        "Donetsk",
        "3 km east of Krasnohorivka (Ukrainian-held until 2024)",
        km=3,
        azimuth=100,
    ),
    Waypoint(
        "Marinka",
        "Donetsk",
        "3 km west of Marinka (claimed by Russia on 25 December 2023; Heorhiivka and Pobieda Ukrainian)",
        km=3,
        azimuth=270,
    ),
    Waypoint(
        "Vuhledar",
        "Donetsk",
        "3 km east of Vuhledar (Ukrainian-held; Mykilske and Vodiane Russian)",
        km=3,
        azimuth=90,
    ),
    Waypoint(
        "Vuhledar",
        "Donetsk",
        "4 km south of Vuhledar (Pavlivka Russian since early 2023)",
        km=4,
        azimuth=190,
    ),
    Waypoint(
        "Velyka Novosilka",
        "Donetsk",
        "14 km south-south-east of Velyka Novosilka (Storozheve, Neskuchne, Blahodatne, Makarivka, "
        "Staromaiorske and Urozhaine retaken by Ukraine in June-August 2023; Pryiutne Russian)",
        km=14,
        azimuth=165,
    ),
    Waypoint(
        "Huliaipole|Hulyaypole",
        "Zaporizhzhia",
        "6 km south of Huliaipole (Ukrainian-held; Russian positions at Dorozhnianka, towards Polohy)",
        km=6,
        azimuth=180,
    ),
    Waypoint(
        "Verbove",
        "Zaporizhzhia",
        "3 km north-west of Verbove (grey zone, the eastern edge of the August-September 2023 salient)",
        km=3,
        azimuth=315,
    ),
    Waypoint(
        "Robotyne",
        "Zaporizhzhia",
        "2.5 km south of Robotyne (retaken by Ukraine on 28 August 2023; Novoprokopivka Russian)",
        km=2.5,
        azimuth=180,
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
        "2 km south of Piatykhatky (retaken by Ukraine in June 2023)",
        km=2,
        azimuth=180,
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
            "then due west across the reservoir bed, drained after 6 June 2023, to the Dnipro channel",
            km=25,
            azimuth=270,
        ),
        mouth_side=Waypoint(
            "Hola Prystan",
            "Kherson",
            "to the Dnipro's mouth in the delta (the river end nearer Hola Prystan)",
        ),
        note="down the Dnipro: occupied left bank (Vasylivka, Enerhodar, Nova Kakhovka, Oleshky, Hola Prystan; the "
        "Krynky bridgehead not drawn), Ukrainian right bank (Nikopol, Beryslav, Kherson)",
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
    ("Nikopol", "Dnipropetrovsk", False),
    ("Stepnohirsk", "Zaporizhzhia", False),
    ("Orikhiv", "Zaporizhzhia", False),
    ("Robotyne", "Zaporizhzhia", False),
    ("Mala Tokmachka", "Zaporizhzhia", False),
    ("Huliaipole|Hulyaypole", "Zaporizhzhia", False),
    ("Velyka Novosilka", "Donetsk", False),
    ("Vuhledar", "Donetsk", False),
    ("Kurakhove", "Donetsk", False),
    ("Krasnohorivka", "Donetsk", False),
    ("Avdiivka", "Donetsk", False),
    ("Ocheretyne", "Donetsk", False),
    ("Toretsk", "Donetsk", False),
    ("Klishchiivka", "Donetsk", False),
    ("Chasiv Yar", "Donetsk", False),
    ("Siversk", "Donetsk", False),
    ("Lyman", "Donetsk", False),
    ("Synkivka", "Kharkiv", False),
    ("Kupiansk|Kupyansk", "Kharkiv", False),
    ("Kharkiv", "Kharkiv", False),
    ("Bakhmut", "Donetsk", True),
    ("Soledar", "Donetsk", True),
    ("Marinka", "Donetsk", True),
    ("Kreminna", "Luhansk", True),
    ("Svatove", "Luhansk", True),
    ("Horlivka", "Donetsk", True),
    ("Donetsk", "Donetsk", True),
    ("Kopani", "Zaporizhzhia", True),
    ("Tokmak", "Zaporizhzhia", True),
    ("Vasylivka", "Zaporizhzhia", True),
    ("Enerhodar", "Zaporizhzhia", True),
    ("Nova Kakhovka", "Kherson", True),
    ("Oleshky", "Kherson", True),
    ("Mariupol", "Donetsk", True),
    ("Simferopol", "Crimea", True),
]

FRONT = Front(
    date=DATE,
    line_file="front_line_2023-12-31.geojson",
    occupied_file="occupied_2023-12-31.geojson",
    name="Approximate line of contact, 31 December 2023",
    source=(
        "Compiled for this project from public reporting of settlement control (ISW assessments, DeepState, "
        "Ukrainian General Staff statements) as of late December 2023; waypoints are named settlements resolved "
        "through GeoNames"
    ),
    accuracy=ACCURACY,
    segments=SEGMENTS,
    occupied_name="Russian-occupied territory of Ukraine (approximate), 31 December 2023",
    occupied_source=(
        "Derived by splitting the Natural Earth Ukraine polygon (Crimea included) with the compiled line of "
        f"contact of {DATE} (scripts/build_front_line.py); eastern/southern side incl. Crimea"
    ),
    checks=CHECKS,
    route=ROUTE,
    split_end=SPLIT_END,
)
