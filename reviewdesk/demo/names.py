"""Names for the synthetic authority: the mix a UK council really sees, accents included.

Non-ASCII letters are deliberate (Zoë, Łukasz, Siân, Ó Briain): every screen, report, PDF and
export must carry them intact, so the demo data exercises them from the first run.
"""

from __future__ import annotations

GIRLS: tuple[str, ...] = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Sophia", "Grace",
    "Freya", "Willow", "Poppy", "Evie", "Ella", "Ruby", "Emily", "Harper", "Daisy", "Chloé",
    "Zoë", "Siân", "Aoife", "Niamh", "Saoirse", "Ffion", "Seren", "Carys", "Amara", "Aisha",
    "Fatima", "Maryam", "Zainab", "Hana", "Maja", "Zuzanna", "Alicja", "Oliwia", "Ioana",
    "Bianca", "Chantelle", "Destiny", "Precious", "Kelsey", "Jade", "Leah", "Megan", "Nia",
    "Renée", "Inés", "Lucía", "Björk", "Maëlle", "Anaïs", "Eilidh", "Mairéad", "Sinéad",
    "Ayşe", "Élodie", "Kübra", "Thảo",
)  # fmt: skip

BOYS: tuple[str, ...] = (
    "Noah", "Oliver", "George", "Arthur", "Leo", "Muhammad", "Harry", "Oscar", "Archie",
    "Henry", "Theo", "Jack", "Charlie", "Freddie", "Alfie", "Jacob", "Thomas", "Finley",
    "Riley", "Tyler", "Kai", "Mason", "Reece", "Callum", "Dylan", "Rhys", "Dafydd", "Iwan",
    "Cian", "Oisín", "Seán", "Tadhg", "Łukasz", "Jakub", "Mateusz", "Wiktor", "Søren",
    "Bjørn", "José", "Andrés", "Joaquín", "Ahmed", "Yusuf", "Ibrahim", "Kwame", "Tobi",
    "Emre", "Jérôme", "François", "Mihai", "Ștefan", "Dominik", "Ciarán", "Ruairí", "Zoltán",
)  # fmt: skip

ADULT_FIRST: tuple[str, ...] = (
    "Sarah", "Helen", "Rachel", "Joanne", "Claire", "Nicola", "Emma", "Karen", "Siobhán",
    "Bríd", "Gwenllian", "Anja", "Małgorzata", "Agnieszka", "Priya", "Sunita", "Nadia",
    "Gemma", "Louise", "Paul", "David", "Mark", "Andrew", "Richard", "Darren", "Gareth",
    "Eóin", "Piotr", "Paweł", "Rajesh", "Tomás", "Niamh", "Zoë", "Chloé", "Søren", "Lewis",
)  # fmt: skip

SURNAMES: tuple[str, ...] = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood",
    "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King",
    "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis",
    "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook",
    "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller",
    "Ó Briain", "Ó Súilleabháin", "Mac Giolla", "Ní Bhriain", "O'Connor", "McCarthy",
    "Nuñez", "Peña", "Muñoz", "García", "Fernández", "Kowalski", "Wiśniewska", "Nowak",
    "Wójcik", "Łukaszewicz", "Dąbrowski", "Zieliński", "Søndergaard", "Müller", "Schröder",
    "Öztürk", "Yılmaz", "Çelik", "Nguyễn", "Trần", "Begum", "Hussain", "Khan", "Ahmed",
    "Akhtar", "Okafor", "Adeyemi", "Mensah", "Boateng", "Popescu", "Ionescu", "Hernández",
    "Lefèvre", "Dubois", "Llewelyn", "ap Rhys", "Siôn", "Gruffudd", "Pritchard", "Ó Néill",
)  # fmt: skip

TOWNS: tuple[str, ...] = ("Northgate", "Southbrook", "Eastwick", "Westmoor", "Riverside")
