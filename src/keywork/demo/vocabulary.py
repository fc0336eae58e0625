"""Words the demo service is made of: names, places and short texts.

Every list is a plain tuple, so a draw from it depends only on the random generator and
the position in the list. Add to the end of a list to keep earlier demo data stable.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- The service ------------------------------------------------------------------------------

ORGANISATION_NAME = "Keywork Demo Service"
ORGANISATION_SLUG = "keywork-demo"
PASSWORD = "keywork-demo"  # noqa: S105 - printed for everyone trying the demo


@dataclass(frozen=True)
class UnitSpec:
    key: str
    name: str
    kind: str
    caseload_limit: int
    target_caseload: int
    share_of_clients: float


UNITS: tuple[UnitSpec, ...] = (
    UnitSpec("res_a", "Björkbacken residential centre (compulsory care)", "residential", 12,
             10, 0.20),
    UnitSpec("res_b", "Sjöudden residential centre (compulsory care)", "residential", 12, 10,
             0.20),
    UnitSpec("justice", "Criminal-justice community team", "community", 25, 20, 0.25),
    UnitSpec("outpatient", "Outpatient team Södermalm", "outpatient", 25, 20, 0.35),
)


@dataclass(frozen=True)
class BasisSpec:
    code: str
    name: str
    is_coerced: bool
    powers: str
    confidentiality_limits: str


LEGAL_BASES: tuple[BasisSpec, ...] = (
    BasisSpec(
        "voluntary", "Voluntary treatment", False,
        "I have no power over your care. You chose this treatment and you can end it. I can "
        "offer support, refer you to other services you agree to, and speak with other "
        "services when you ask me to.",
        "What you tell me stays with me and the team. I pass something on without your "
        "consent only if a child is at risk (to social services), if your life or someone "
        "else's is in serious danger (to health care or the police), or if a law requires it. "
        "When I can, I tell you first.",
    ),
    BasisSpec(
        "compulsory_care", "Compulsory care (LVM)", True,
        "You are in care under the law on compulsory care for adults with substance use "
        "(LVM). The centre can keep you here, limit leave and visits, search your room and "
        "belongings and ask for drug tests. I write to social services about how your care "
        "is going, and they report to the administrative court. I take part in decisions "
        "about leave and about moving on to care in another form.",
        "I must tell social services and the centre manager if you run away, do not come "
        "back from leave, or use drugs or alcohol on the unit. I must tell social services "
        "if a child is at risk, and health care or the police if your life or someone "
        "else's is in danger. Other things you tell me about your life and feelings stay "
        "within the care team.",
    ),
    BasisSpec(
        "criminal_justice_order", "Criminal-justice order (treatment requirement, probation)",
        True,
        "Your treatment is part of a court sentence or of probation, for example a drug "
        "rehabilitation requirement or contract care. At agreed times I tell the probation "
        "service whether you came and what your tests showed. Missed appointments or a "
        "broken condition can be taken back to court, and the court can change your "
        "sentence.",
        "I must tell the probation service about your attendance, your test results and "
        "any breach of the conditions of your order. I must tell social services if a child "
        "is at risk, and health care or the police if someone's life is in danger or a "
        "serious crime is being planned. Anything else stays within the team unless you "
        "agree to share it.",
    ),
    BasisSpec(
        "child_protection", "Treatment with child-protection involvement", True,
        "You came here yourself, but social services have made treatment part of their plan "
        "for your children. With your consent I send them short reports about attendance "
        "and progress. I do not decide where your children live, but what I report can "
        "count in their decisions.",
        "If I am worried that a child is being harmed or is at risk, I must tell social "
        "services straight away. That is a duty and does not need your consent. I will tell "
        "you that I have done it, unless telling you would put the child at more risk. "
        "Reports about your treatment go to social services only as your consent says. A "
        "danger to your life or someone else's goes to health care or the police.",
    ),
    BasisSpec(
        "other", "Other arrangement", False,
        "Your treatment rests on another arrangement, for example one made by your "
        "employer, by health care or by another authority. What I may decide or report "
        "depends on that agreement, and we go through it together at the start.",
        "I share only what the arrangement and your consent allow, and I tell you what that "
        "is. Whatever the arrangement, a child at risk is reported to social services and a "
        "danger to life to health care or the police.",
    ),
)

# Which legal bases each unit takes, with weights (codes as above).
UNIT_BASES: dict[str, tuple[tuple[str, float], ...]] = {
    "res_a": (("compulsory_care", 0.9), ("voluntary", 0.06), ("other", 0.04)),
    "res_b": (("compulsory_care", 0.9), ("voluntary", 0.06), ("other", 0.04)),
    "justice": (("criminal_justice_order", 0.95), ("other", 0.05)),
    "outpatient": (("voluntary", 0.66), ("child_protection", 0.26), ("other", 0.08)),
}

# --- People ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameGroup:
    key: str
    language: str
    men: tuple[str, ...]
    women: tuple[str, ...]
    families: tuple[str, ...]


NAME_GROUPS: tuple[NameGroup, ...] = (
    NameGroup(
        "swedish", "Swedish",
        ("Erik", "Lars", "Karl", "Anders", "Johan", "Per", "Nils", "Mikael", "Jan", "Hans",
         "Peter", "Fredrik", "Daniel", "Jonas", "Magnus", "Mattias", "Andreas", "Stefan",
         "Marcus", "Henrik", "Oskar", "Emil", "Viktor", "Simon", "Tobias", "Niklas", "Patrik",
         "Joakim", "Kristoffer", "Robin", "Sebastian", "Linus", "Gustav", "Axel", "Filip",
         "Rasmus", "Jesper", "Tommy", "Ulf", "Bengt", "Göran", "Lennart", "Kent", "Roger",
         "Thomas", "Björn", "Mats", "Leif", "Håkan", "Pontus", "Olle", "Kjell", "Ronny",
         "Conny", "Torbjörn"),
        ("Anna", "Maria", "Karin", "Sara", "Eva", "Lena", "Kristina", "Emma", "Johanna",
         "Linda", "Malin", "Jenny", "Ida", "Hanna", "Elin", "Camilla", "Sofia", "Annika",
         "Helena", "Therese", "Frida", "Matilda", "Lisa", "Jessica", "Moa", "Louise", "Åsa",
         "Ulrika", "Petra", "Birgitta", "Ingrid", "Susanne", "Caroline", "Amanda", "Josefin",
         "Sanna", "Maja", "Elsa", "Tove", "Lovisa", "Marie", "Agneta", "Pia"),
        ("Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
         "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson",
         "Bengtsson", "Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Olofsson",
         "Lindström", "Lindqvist", "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg",
         "Lind", "Lundgren", "Lundqvist", "Mattsson", "Berglund", "Fredriksson", "Sandberg",
         "Henriksson", "Forsberg", "Sjöberg", "Wallin", "Engström", "Eklund", "Danielsson",
         "Lundin", "Håkansson", "Björk", "Bergman", "Gunnarsson", "Holm", "Wikström",
         "Samuelsson", "Isaksson", "Fransson", "Bergqvist", "Nyström", "Holmberg",
         "Arvidsson", "Löfgren", "Söderberg", "Nyberg", "Blomqvist", "Claesson", "Nordström",
         "Mårtensson", "Lundström", "Hedlund", "Viklund", "Ekström", "Åberg", "Strand",
         "Sundberg", "Holmgren", "Dahlberg", "Hellström", "Sjögren", "Abrahamsson", "Falk",
         "Öberg", "Ek", "Hermansson", "Norberg", "Sundström"),
    ),
    NameGroup(
        "english", "English",
        ("James", "John", "Michael", "David", "Daniel", "Thomas", "Paul", "Mark", "Steven",
         "Andrew", "Christopher", "Lee", "Gary", "Craig", "Liam", "Ryan", "Connor", "Jamie",
         "Darren", "Shaun", "Kevin", "Dean", "Wayne", "Stuart", "Callum"),
        ("Sarah", "Emma", "Claire", "Laura", "Rebecca", "Kelly", "Lisa", "Nicola", "Michelle",
         "Gemma", "Hayley", "Leanne", "Rachel", "Amy", "Charlotte", "Stacey", "Donna", "Kerry",
         "Joanne", "Natalie"),
        ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
         "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
         "Hall", "Wood", "Jackson", "Clarke", "Hughes", "Edwards", "Turner", "Hill", "Cooper",
         "Ward", "Morris", "Moore", "Harrison", "Baker", "Murphy", "Kelly", "O'Brien",
         "Doyle", "Campbell", "Stewart", "Murray"),
    ),
    NameGroup(
        "arabic", "Arabic",
        ("Ahmed", "Mohammed", "Ali", "Omar", "Hassan", "Hussein", "Karim", "Yousef", "Khaled",
         "Mahmoud", "Samir", "Tarek", "Bilal", "Nabil", "Rami", "Ibrahim", "Mustafa", "Jamal"),
        ("Fatima", "Amina", "Layla", "Nour", "Sara", "Yasmin", "Rania", "Huda", "Mariam",
         "Zainab", "Salma", "Lina", "Dina", "Hiba"),
        ("Al-Hassan", "Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Hamdan", "Abbas",
         "Jaber", "Younes", "Darwish", "Farah", "Issa", "Awad", "Othman", "Sabbagh", "Qasim",
         "Rahman", "Al-Jabouri", "Suleiman"),
    ),
    NameGroup(
        "somali", "Somali",
        ("Abdi", "Abdirahman", "Mohamed", "Ahmed", "Hassan", "Farah", "Yusuf", "Omar",
         "Ismail", "Mahad", "Abdullahi", "Liban"),
        ("Hodan", "Faadumo", "Sahra", "Amina", "Hibo", "Ifrah", "Khadra", "Nimco", "Ayaan",
         "Sagal", "Ubah"),
        ("Warsame", "Abdi", "Hussein", "Jama", "Farah", "Osman", "Ali", "Mohamud", "Aden",
         "Egal", "Hirsi", "Nur", "Yusuf", "Dahir", "Elmi"),
    ),
    NameGroup(
        "finnish", "Finnish",
        ("Mikko", "Juha", "Timo", "Jari", "Kari", "Pekka", "Antti", "Markku", "Matti",
         "Jukka", "Ville", "Tuomas", "Heikki", "Petri", "Janne"),
        ("Tiina", "Sari", "Päivi", "Anne", "Minna", "Riikka", "Satu", "Kaisa", "Hanna",
         "Leena", "Johanna", "Heidi", "Pirjo", "Marjo"),
        ("Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Hämäläinen", "Laine", "Heikkinen",
         "Koskinen", "Järvinen", "Lehtonen", "Saarinen", "Salminen", "Niemi", "Kinnunen",
         "Ahonen", "Mäkelä", "Rantanen", "Tuominen", "Hakala"),
    ),
    NameGroup(
        "polish", "Polish",
        ("Piotr", "Krzysztof", "Tomasz", "Paweł", "Marcin", "Michał", "Łukasz", "Grzegorz",
         "Jakub", "Adam", "Kamil", "Mateusz", "Dariusz", "Rafał"),
        ("Anna", "Katarzyna", "Magdalena", "Agnieszka", "Joanna", "Monika", "Ewa", "Marta",
         "Aleksandra", "Karolina", "Natalia", "Justyna"),
        ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
         "Zieliński", "Woźniak", "Dąbrowski", "Mazur", "Krawczyk", "Kaczmarek", "Zając",
         "Król", "Wieczorek", "Jabłoński"),
    ),
    NameGroup(
        "persian", "Persian",
        ("Reza", "Ali", "Mehdi", "Amir", "Hamid", "Saeed", "Babak", "Dariush", "Kian", "Omid",
         "Farhad", "Navid"),
        ("Maryam", "Shirin", "Parisa", "Leila", "Nasrin", "Roya", "Mina", "Azadeh", "Neda",
         "Sima"),
        ("Hosseini", "Ahmadi", "Mohammadi", "Karimi", "Rezaei", "Moradi", "Jafari", "Rahimi",
         "Hashemi", "Sadeghi", "Ebrahimi", "Najafi", "Tehrani", "Ghorbani"),
    ),
    NameGroup(
        "bosnian", "Bosnian",
        ("Amir", "Emir", "Adnan", "Edin", "Mirza", "Senad", "Damir", "Haris", "Almir",
         "Nermin"),
        ("Amra", "Lejla", "Selma", "Emina", "Azra", "Merima", "Aida", "Jasmina", "Sabina"),
        ("Hodžić", "Begić", "Hadžić", "Delić", "Mehmedović", "Kovačević", "Hasanović",
         "Omerović", "Šehić", "Alić", "Ibrahimović", "Husić"),
    ),
    NameGroup(
        "spanish", "Spanish",
        ("Carlos", "Luis", "Jorge", "Diego", "Andrés", "Juan", "Pablo", "Miguel",
         "Alejandro"),
        ("María", "Carolina", "Daniela", "Paula", "Lucía", "Valentina", "Gabriela", "Camila"),
        ("González", "Rodríguez", "Pérez", "Muñoz", "Rojas", "Díaz", "Soto", "Contreras",
         "Silva", "Morales", "Fuentes", "Vargas"),
    ),
    NameGroup(
        "tigrinya", "Tigrinya",
        ("Yonas", "Dawit", "Samuel", "Tesfay", "Habtom", "Mehari", "Filmon", "Biniam",
         "Robel"),
        ("Helen", "Senait", "Ruth", "Selam", "Winta", "Saba", "Eden", "Luwam", "Almaz"),
        ("Tesfamariam", "Gebremedhin", "Berhane", "Haile", "Tekle", "Gebreyesus", "Kidane",
         "Ghebre", "Woldu", "Asmerom"),
    ),
)

# Share of clients from each name group (same order as NAME_GROUPS).
CLIENT_GROUP_WEIGHTS = (0.70, 0.05, 0.07, 0.04, 0.05, 0.03, 0.025, 0.02, 0.01, 0.005)
# Share of staff from each name group.
STAFF_GROUP_WEIGHTS = (0.80, 0.08, 0.03, 0.01, 0.03, 0.01, 0.02, 0.015, 0.005, 0.0)
# Chance that a client from a group prefers that group's language over Swedish.
OWN_LANGUAGE_SHARE = {
    "swedish": 1.0, "english": 0.85, "arabic": 0.55, "somali": 0.6, "finnish": 0.5,
    "polish": 0.7, "persian": 0.5, "bosnian": 0.35, "spanish": 0.5, "tigrinya": 0.65,
}


@dataclass(frozen=True)
class FixedLogin:
    username: str
    role: str
    first_name: str
    last_name: str
    what: str


FIXED_LOGINS: tuple[FixedLogin, ...] = (
    FixedLogin("kim", "keyworker", "Kim", "Lindahl",
               "keyworker at Björkbacken with a normal caseload"),
    FixedLogin("sam", "supervisor", "Sam", "Ekholm",
               "supervisor of both residential centres"),
    FixedLogin("mona", "manager", "Mona", "Sandell", "manager of the service"),
    FixedLogin("adam", "administrator", "Adam", "Forsell", "administrator"),
    FixedLogin("rita", "researcher", "Rita", "Holmqvist", "researcher (pseudonymised data)"),
)

# --- Places ------------------------------------------------------------------------------------

STREETS = (
    "Storgatan", "Drottninggatan", "Kungsgatan", "Vasagatan", "Järnvägsgatan", "Skolgatan",
    "Kyrkogatan", "Parkvägen", "Björkvägen", "Ekvägen", "Tallvägen", "Granvägen",
    "Lindvägen", "Industrigatan", "Hamngatan", "Nygatan", "Östra Långgatan", "Södra vägen",
    "Trädgårdsgatan", "Fabriksgatan", "Bruksgatan", "Ringvägen", "Bergsgatan", "Ängsvägen",
    "Sjövägen", "Backavägen", "Stationsgatan", "Rosengatan", "Hagagatan", "Kvarngatan",
    "Slottsgatan", "Torggatan", "Mejerivägen", "Folkungagatan", "Tegnérgatan",
    "Smedjegatan", "Repslagargatan", "Fjällvägen", "Lärkvägen", "Snickarvägen",
)

# (city, first three digits of its postcodes, weight)
CITIES: tuple[tuple[str, str, float], ...] = (
    ("Stockholm", "116", 0.16), ("Stockholm", "118", 0.08), ("Stockholm", "124", 0.06),
    ("Huddinge", "141", 0.07), ("Tumba", "147", 0.05), ("Haninge", "136", 0.05),
    ("Södertälje", "151", 0.07), ("Solna", "171", 0.04), ("Sundbyberg", "172", 0.04),
    ("Norrtälje", "761", 0.03), ("Uppsala", "753", 0.07), ("Västerås", "722", 0.05),
    ("Eskilstuna", "632", 0.05), ("Örebro", "702", 0.04), ("Gävle", "803", 0.03),
    ("Norrköping", "602", 0.04), ("Nyköping", "611", 0.03), ("Enköping", "745", 0.02),
    ("Göteborg", "413", 0.01), ("Malmö", "211", 0.01),
)

NO_FIXED_ADDRESS = (
    "No fixed address. Post to the social services office.",
    "Homeless at the moment. Post to the unit.",
    "Staying with a friend; no address of their own.",
    "Emergency shelter; post to the social services office.",
)
PROTECTED_ADDRESS = "Protected identity: post through the Swedish Tax Agency."

LANGUAGE_CODES = {"Swedish": "sv", "English": "en"}

# --- The client's own words ------------------------------------------------------------------

OWN_WORDS = (
    "I want to see my kids again.",
    "I want my own flat.",
    "I'm tired of being tired.",
    "Nobody listened before. I want someone who does.",
    "I want to stop before I lose everything.",
    "My mum is ill. I want to be there for her.",
    "I want a job, any job.",
    "I don't want to be here, but I'll try.",
    "I want to sleep at night without pills.",
    "Get my driving licence back.",
    "I want to be a dad my son can count on.",
    "Be sober for my daughter's wedding.",
    "I need help with letters. I can't make sense of them.",
    "Stay out of prison.",
    "Finish what I started at school.",
    "I want to get my dog back.",
    "I want people to stop looking at me like an addict.",
    "I just want some peace.",
    "Pay off my debts.",
    "I want to feel normal.",
    "Learn to handle my anger.",
    "Find friends who don't use.",
    "Go back to work as a carpenter.",
    "I want to trust someone again.",
    "Stop drinking in the mornings.",
    "A key of my own, a door of my own.",
    "I want to live, not just get by.",
    "Not end up like my father.",
    "Be honest with my family.",
    "Keep custody of my children.",
    "Get through this order and be done with it.",
    "Fix my teeth.",
    "Play football again.",
    "I want to cook my own food again.",
    "Talk to my brother again.",
    "One day at a time.",
    "I want a boring life. Boring is good.",
    "Have money left at the end of the month.",
    "I want to train as an assistant nurse.",
    "Don't call me a case.",
    "I want to understand why I use.",
    "I need somewhere safe to sleep.",
    "Stop hurting the people I love.",
    "Get my health back. My liver is bad.",
    "Sort out my papers with the Migration Agency.",
    "Go to the shop without panicking.",
    "Visit my grandmother's grave in Finland.",
    "Read to my kids at bedtime.",
    "Keep my job. They don't know I'm here.",
    "Stop being afraid all the time.",
    "Learn Swedish properly.",
    "Make my mother proud, once.",
    "Get out of here and never come back.",
    "I want my life back.",
    "Just give me a chance.",
    "Go fishing with my son this summer.",
    "Less chaos. More calm.",
    "Feel something without drugs.",
    "Find a flat near my kids' school.",
    "Get help for my back that isn't pills.",
    "Be able to say no.",
    "Start painting again.",
    "Quiet in my head at night.",
    "I want to be treated like a grown-up.",
    "Get my name off the debt register.",
    "I want to be there when my grandchild is born.",
    "Have a normal Christmas with my family.",
    "I want to stop lying.",
    "Walk my daughter to school.",
    "Get back into the gym.",
    "I want to stay clean after I leave here.",
    "Be someone my little sister can look up to.",
)

# --- Episodes ----------------------------------------------------------------------------------

CONSENT_NOTES = {
    "given": (
        "Agreed to treatment and to sharing attendance with social services.",
        "Agreed to the treatment plan and to contact with the GP.",
        "Consents to information sharing with social services and probation as required.",
        "Agreed; wants to see any report before it is sent.",
    ),
    "partial": (
        "Agreed to treatment; does not want anything shared with the family.",
        "Attendance may be shared with probation; nothing about what we talk about.",
        "Agreed to treatment; no contact with the employer.",
        "Shares test results only; wants to decide on anything else case by case.",
    ),
    "declined": (
        "Declined to sign consent for information sharing. Care continues under the decision.",
        "Does not consent to any sharing beyond what the law requires.",
        "Declined for now; will ask again in two weeks.",
    ),
    "not_asked": ("",),
}

OUTCOME_NOTES = {
    "completed": (
        "Completed the planned period. Moving on to aftercare.",
        "Completed. Own flat from next month, follow-up with social services.",
        "Completed the order requirement.",
        "Finished as planned; goals mostly reached.",
        "Completed. Back at work part time.",
    ),
    "dropped_out": (
        "Ran away from the centre and did not come back. Reported as required.",
        "Stopped coming after a few weeks; several attempts to reach them.",
        "Breach of the order; case returned to the probation service.",
        "Left against advice after a conflict on the unit.",
        "Did not return from weekend leave.",
    ),
    "transferred": (
        "Moved on to care in another form: outpatient aftercare.",
        "Transferred to another team after moving house.",
        "Transferred to a specialist unit for mental health care.",
    ),
    "other": (
        "Admitted to hospital; treatment ended.",
        "Decision on compulsory care revoked by the court.",
        "Moved abroad.",
    ),
}

# --- Relationships -----------------------------------------------------------------------------

CHANGE_REASONS = ("client_asked_for_change", "worker_left", "capacity", "other")
CHANGE_WEIGHTS = (0.45, 0.3, 0.2, 0.05)

END_NOTES = {
    "client_asked_for_change": (
        "The client asked for another keyworker; the chemistry did not work. No blame; a "
        "joint handover meeting was held.",
        "Client said they could not talk to me. Agreed with the supervisor to change.",
        "Client asked for a keyworker of another gender. Arranged without fuss.",
    ),
    "worker_left": (
        "I am moving to another team. Handover meeting held with the client.",
        "Keyworker on long-term leave; handed over to a colleague.",
    ),
    "capacity": (
        "Caseloads rebalanced after a colleague's sick leave.",
        "Moved to even out caseloads on the unit.",
    ),
    "other": ("Changed after a discussion in supervision.",),
    "episode_ended": (
        "Ending talked through; progress named together.",
        "Closing as the episode ended. We agreed how to reach the service afterwards.",
        "Ended as planned; the client knows the door is open for aftercare.",
        "Ended abruptly; closing letter sent.",
    ),
    "transfer": (
        "Handed over to the new team in a joint meeting.",
        "Client moved on; handover written.",
    ),
}

START_NOTES = {
    "first_allocation": ("",),
    "transfer": ("Came over from the residential centre; we met there before the move.",),
    "client_asked_for_change": (
        "New keyworker at the client's request. Fresh start agreed.",
        "The client asked for someone else; starting over with a new introduction.",
    ),
    "worker_left": ("Took over when the previous keyworker moved on.",),
    "capacity": ("Took over when caseloads were rebalanced.",),
    "other": ("Took over after a discussion in supervision.",),
}

UNDERSTANDING_COERCED = (
    "You write to social services about how my care goes. If I run off you have to tell "
    "them.",
    "If my kids are not safe you must tell social services, even if I don't want you to.",
    "What I say here stays here, unless someone is in danger or I break the rules of the "
    "order.",
    "You are my contact person, but you also have to follow the LVM rules.",
    "If I miss appointments the probation officer hears about it from you.",
    "You can't keep it secret if I say I'm going to hurt someone.",
    "You report positive tests to probation. I don't like it, but I get it.",
    "I can ask for another contact person if we don't get on.",
    "You tell the court how I'm doing through social services, not behind my back.",
    "You help me, but you can also stop my leave. Both.",
    "If I use on the unit it gets written down and social services will know.",
    "You have to pass on breaches, but what I tell you about my past stays with the team.",
)
UNDERSTANDING_VOLUNTARY = (
    "I can stop coming whenever I want, but you hope I won't.",
    "You keep what I say to yourself unless a child or someone's life is at risk.",
    "You help me with the plan; I decide what goes in it.",
    "Social services only get what I agree to, except if a child is at risk.",
    "You will tell me first if you have to pass something on.",
    "You're here for me, not for the social workers.",
    "You have to tell social services if my children are not safe, and you'll tell me "
    "before you do.",
    "What I say about my kids can end up with the social worker if they're at risk.",
)

WAIVERS = (
    "Admitted at night on an urgent decision; the introduction follows when the client can "
    "take it in.",
    "Client in withdrawal and not able to take in information; keyworker starts now, "
    "introduction within the week.",
    "No interpreter until next week; contact has to start now.",
    "Client refused the introduction meeting but accepts contact. We will try again.",
    "Transfer at short notice; the client knows the keyworker from an earlier episode.",
)

# --- Contacts ----------------------------------------------------------------------------------

NOTES = {
    "session": (
        "Planned session. Went through the week and the plan for leave.",
        "Talked about the court hearing next month. Nervous but prepared.",
        "Reviewed the goals together. Agreed to focus on sleep first.",
        "Talked about the relapse last weekend. Honest conversation; made a safety plan.",
        "Talked about the children and the visit on Saturday.",
        "Went through the debts; client brought the letters.",
        "Quiet session, client tired. Kept it short and agreed to meet on Thursday.",
        "Worked on a budget for the first month after discharge.",
        "Talked about what went wrong last time in treatment.",
        "Weighed up drinking, pros and cons, in the client's words.",
        "Talked about the anger after the conflict in the corridor.",
        "Practised what to say at the meeting with social services.",
        "Client asked for more time with me. Agreed to an extra session next week.",
        "Talked about trust. Client said earlier workers gave up on them.",
        "Went through the treatment plan with the interpreter.",
        "Talked about housing after the order ends.",
        "Talked openly about the test result. Client disagrees; their view noted.",
        "Went through the order conditions together and what a breach means.",
        "Talked about grief after the brother's death.",
        "Client led the session today and wanted to talk about work.",
        "Asked about the children at home and about violence in the relationship. Client "
        "answered; no concern today.",
        "Planned the first week after leaving the centre.",
        "Talked about the mother's illness and visiting her.",
        "Client brought a list of questions. Answered what I could.",
    ),
    "everyday": (
        "Coffee in the kitchen, talked about football.",
        "Said good morning; client in a good mood.",
        "Short chat in the corridor about the weekend.",
        "Helped with the washing machine; talked about home.",
        "Client came by the office to show a letter from their daughter.",
        "Walk in the garden together after lunch.",
        "Played cards in the lounge; relaxed.",
        "Checked in after a rough night. Client slept badly.",
        "Talked briefly about the phone call with their mother.",
        "Client upset after a visit; sat with them for a while.",
        "Cooked dinner together with the group.",
        "Welcomed client back from leave; it went well.",
        "Client asked about the rules for weekend leave.",
        "Brief chat outside; client worried about court.",
        "Fixed the bicycle together.",
        "Client joked about the food. Good contact today.",
        "Watched the match in the lounge together.",
        "Client withdrawn at breakfast. Asked how they were; said tired.",
        "Helped client phone the bank.",
        "Talked about music while cleaning the kitchen.",
    ),
    "phone": (
        "Phone call to book the next session.",
        "Client called about the letter from the Enforcement Authority.",
        "Called to remind about tomorrow's appointment.",
        "Client called, anxious after a bad night. Talked it through.",
        "Client called to say the flat viewing went well.",
        "Called after the missed appointment; client ill, rebooked.",
        "Client called to ask about the next meeting with probation.",
        "Follow-up call after the hospital visit.",
        "Called to check how the first week at home has gone.",
        "Client called from the pharmacy about the prescription.",
    ),
    "message": (
        "Sent a reminder of Tuesday's appointment.",
        "Client texted to move the appointment.",
        "Client sent a photo of the keys to the new flat.",
        "Client asks if I can come to the meeting with social services. Replied yes.",
        "Confirmed the time for the court meeting.",
        "Sent the address of the housing office.",
        "Client wrote to say thank you for yesterday.",
        "Reminder about bringing ID to the Employment Service.",
    ),
    "advocacy": (
        "Meeting with social services about housing. Client present.",
        "Went to court with the client.",
        "Meeting with the probation officer and the client to review the order.",
        "Phoned the Enforcement Authority with the client about a payment plan.",
        "Meeting with the child-protection social worker about contact with the children.",
        "Joint meeting with the psychiatric clinic about medication.",
        "Meeting at the Employment Service about a work placement.",
        "Went with the client to the housing company about the rent arrears.",
        "Coordinated care planning meeting with social services and health care.",
        "Meeting with the Social Insurance Agency about sickness benefit.",
    ),
    "group": (
        "Relapse prevention group; client took an active part.",
        "Group on feelings; client quiet but stayed.",
        "Twelve-step group on the unit.",
        "Parenting group.",
        "Cooking group.",
        "Walking group in the forest.",
        "Skills group on communication.",
        "Group on managing money.",
    ),
}

NOTES_NOT_ATTENDED = {
    "session": (
        "Did not attend. Called, no answer.",
        "Client did not turn up. Sent a message offering a new time.",
        "Cancelled an hour before; rebooked.",
        "Did not attend; client said they overslept.",
        "Did not attend; client was at the hospital.",
        "Did not attend. Told the probation officer, as the order requires.",
    ),
    "phone": (
        "Called; no answer. Left a voicemail.",
        "Tried to call twice, no answer.",
        "Phone switched off.",
    ),
    "advocacy": (
        "Client did not come to the meeting with social services; went alone and reported "
        "back by phone.",
        "Client did not turn up at court; informed the probation officer.",
    ),
    "group": (
        "Did not come to the group.",
        "Left the group after ten minutes.",
    ),
}

NOTES_CONSTANT = (
    "Client called again about the same worry. Reminded them of our weekly call.",
    "Third message today; replied briefly and pointed to Tuesday's session.",
    "Client called late asking for reassurance. Kept it short.",
    "Client asked if I am angry with them. Replied no, see you Tuesday.",
    "Several missed calls from the client. Called back once, as agreed.",
    "Client wanted me to ring the landlord right away. Agreed they try first.",
    "Client called to talk about the same letter as yesterday.",
    "Message late in the evening; replied in the morning as agreed.",
)

NOTES_PERSONAL_DEVICE = (
    "Texted from my own phone; the work phone was not charged.",
    "Client texted my private number. Replied and asked them to use the work number.",
    "Quick call from my own phone to confirm the time.",
    "Client found my private number. Will raise it in supervision.",
)

ADDENDA = (
    "Correction: the meeting was on Tuesday, not Monday.",
    "Addition: the client asked me to record that they disagree with the test result.",
    "Correction: the interpreter took part by phone.",
    "Correction: it lasted 30 minutes, not 60.",
    "Addition: the probation officer was told the same day.",
    "Correction: the social worker was from the family team, not adult services.",
    "Addition: the client later told me why they missed the session.",
    "Addition: the client read this note and agrees with it.",
)
