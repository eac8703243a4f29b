"""The demo newsroom's text: invented rubriques, journalists, topics and articles, in French.

Every person, country, club and institution named here is fictional. Embed URLs are
placeholders (frontends render the player; nothing is fetched while loading).

Body blocks are written as small tuples, turned into StreamField data by the loader:
    ("paragraph", html) ("heading", text, level) ("pull_quote", text, who, role)
    ("image", label, caption, credit) ("embed", url, caption) ("related", slug, label)
    ("fact_box", title, html)
Pull-quote text is stored without « », as the block's help text asks editors to do: the block
type itself tells frontends to typeset it as a quotation.
"""

HOME = {
    "slug": "accueil",
    "title": "Kiosque",
    "tagline": "L'actualité d'ici et d'ailleurs, vérifiée et expliquée",
}

# The article with exactly the shape of a wire dispatch (see docs/demo.md).
WIRE_SLUG = "sommet-regional-securite"

SECTIONS = [
    ("international", "International", "Diplomatie, conflits et vie politique à l'étranger."),
    ("france", "France", "Société, territoires et vie publique en France."),
    ("economie", "Économie", "Entreprises, emploi, prix et finances publiques."),
    ("culture", "Culture", "Cinéma, livres, musique, scènes et musées."),
    ("sciences", "Sciences", "Recherche, santé, environnement et espace."),
    ("sport", "Sport", "Compétitions, clubs et pratique amateur."),
]

SECTION_PALETTES = {
    "international": "bleu nuit",
    "france": "turquoise",
    "economie": "sable",
    "culture": "pourpre",
    "sciences": "ardoise",
    "sport": "corail",
}

AUTHORS = [
    ("helene-castagnede", "Hélène Castagnède", "Cheffe du service International",
     "Quinze ans de reportages en Afrique de l'Ouest et dans l'océan Indien.", "pourpre"),
    ("moussa-diallo-verger", "Moussa Diallo-Verger", "Correspondant à Port-Amara",
     "Suit la vie politique des pays riverains du fleuve Karou.", "bleu nuit"),
    ("jeanne-poirel", "Jeanne Poirel", "Journaliste au service France",
     "Couvre les territoires, l'éducation et la santé.", "turquoise"),
    ("bastien-lemercier", "Bastien Lemercier", "Journaliste économie",
     "Spécialiste de l'emploi, de l'industrie et des prix.", "sable"),
    ("ines-ouardi", "Inès Ouardi", "Critique et journaliste culture",
     "Cinéma, littérature et arts de la scène.", "corail"),
    ("lucie-kervella", "Lucie Kervella", "Journaliste sciences",
     "Climat, biodiversité, santé et exploration spatiale.", "ardoise"),
    ("theo-garnier", "Théo Garnier", "Journaliste sport",
     "Du sport amateur aux grandes compétitions.", "vert"),
]  # fmt: skip

TOPICS = [
    # The wire article's people and organisations.
    ("elise-marveaux", "Élise Marveaux", "person"),
    ("idrissa-komate", "Idrissa Komaté", "person"),
    ("nadia-ferhane", "Nadia Ferhane", "person"),
    ("aurelio-brandt", "Aurelio Brandt", "person"),
    ("clara-vennet", "Clara Vennet", "person"),
    ("samuel-oyere", "Samuel Oyéré", "person"),
    ("union-etats-riverains", "Union des États riverains", "organisation"),
    ("fonds-regional-paix", "Fonds régional pour la paix", "organisation"),
    ("fc-kerbastel", "FC Kerbastel", "organisation"),
    ("musee-des-tissages", "Musée des Tissages", "organisation"),
    ("port-amara", "Port-Amara", "place"),
    ("valdoree", "Valdorée", "place"),
    ("bretagne", "Bretagne", "place"),
    ("lyon", "Lyon", "place"),
    ("marseille", "Marseille", "place"),
    ("climat", "Climat", "theme"),
    ("energie", "Énergie", "theme"),
    ("emploi", "Emploi", "theme"),
    ("inflation", "Inflation", "theme"),
    ("sante-publique", "Santé publique", "theme"),
    ("education", "Éducation", "theme"),
    ("transports", "Transports", "theme"),
    ("agriculture", "Agriculture", "theme"),
    ("intelligence-artificielle", "Intelligence artificielle", "theme"),
    ("cinema", "Cinéma", "theme"),
    ("litterature", "Littérature", "theme"),
    ("espace", "Espace", "theme"),
    ("football", "Football", "theme"),
    ("cyclisme", "Cyclisme", "theme"),
    ("sport-amateur", "Sport amateur", "theme"),
]

CREDIT = "Kiosque / Studio graphique"


def p(html):
    return ("paragraph", html)


def h(text, level="h2"):
    return ("heading", text, level)


def quote(text, who, role):
    return ("pull_quote", text, who, role)


def image(label, caption, credit=CREDIT):
    return ("image", label, caption, credit)


def embed(url, caption=""):
    return ("embed", url, caption)


def related(slug, label=""):
    return ("related", slug, label)


def fact(title, html):
    return ("fact_box", title, html)


# Articles in display order of the home page's "featured" list come first in FEATURED below.
# `see_also` holds the closing "Lire aussi" links: an article slug, or (url, title).
ARTICLES = [
    # ------------------------------------------------------------------ International
    {
        "slug": WIRE_SLUG,
        "section": "international",
        "title": "Sécurité régionale : à Port-Amara, quatre chefs d'État signent un pacte "
        "de défense commune",
        "standfirst": "Réunis deux jours dans la capitale valdoréenne, les dirigeants de la "
        "Valdorée, du Tambara, de la Kessarie et de la Morvanie se sont engagés à partager leurs "
        "renseignements et à surveiller ensemble leurs frontières. Le texte doit encore être "
        "ratifié par les quatre parlements.",
        "authors": ["moussa-diallo-verger", "helene-castagnede"],
        "topics": [
            "elise-marveaux",
            "idrissa-komate",
            "nadia-ferhane",
            "aurelio-brandt",
            "clara-vennet",
            "samuel-oyere",
            "union-etats-riverains",
            "fonds-regional-paix",
        ],  # fmt: skip
        "visual": "Sommet de Port-Amara",
        "caption": "Les délégations des quatre pays au palais des congrès de Port-Amara "
        "(illustration).",
        "body": [
            h("Un accord arraché au bout de la nuit"),
            p(
                "Il était près de trois heures du matin quand les délégations ont quitté la salle "
                "plénière du palais des congrès de Port-Amara. Après deux jours de discussions "
                "serrées, la présidente valdoréenne, Élise Marveaux, hôte du sommet, a annoncé la "
                "signature d'un pacte de sécurité commune par les quatre chefs d'État présents."
            ),
            p(
                "Le texte, d'une vingtaine de pages, prévoit un mécanisme de consultation "
                "permanente, des patrouilles conjointes le long du fleuve Karou et la création "
                "d'un centre régional d'analyse installé dans la capitale valdoréenne."
            ),
            h("Le renseignement au cœur du dispositif"),
            p(
                "Le volet le plus discuté concerne l'échange d'informations entre services. "
                "Chaque pays désignera un officier de liaison, et les données seront versées dans "
                "une base commune dont l'accès restera strictement encadré, selon une source "
                "proche des négociations."
            ),
            h("Le Tambara obtient des garanties"),
            p(
                "Longtemps réticent, le président tambarais, Idrissa Komaté, s'est rallié au "
                "compromis après avoir obtenu qu'aucune opération conjointe ne puisse être menée "
                "sur son sol sans l'accord préalable de son gouvernement."
            ),
            p(
                "Son ministre des affaires étrangères, Samuel Oyéré, a salué devant la presse "
                "« un texte qui respecte la souveraineté de chacun tout en nous obligeant à "
                "travailler ensemble »."
            ),
            quote(
                "Ce pacte n'est dirigé contre personne. C'est la promesse que nos quatre pays "
                "ne laisseront plus les trafiquants jouer de leurs frontières.",
                "Mariam Sow-Delcourt",
                "porte-parole de l'Union des États riverains",
            ),
            h("Kessarie et Morvanie, partenaires prudents"),
            p(
                "La présidente kessarienne, Nadia Ferhane, et le président morvanien, Aurelio "
                "Brandt, ont insisté sur le caractère strictement défensif de l'accord. Les deux "
                "pays, qui partagent la plus longue frontière de la région, rouvriront trois "
                "postes de contrôle fermés depuis l'an dernier."
            ),
            h("Un financement encore à boucler"),
            p(
                "Le coût du dispositif est estimé à 140 millions d'euros sur cinq ans. Le Fonds "
                "régional pour la paix s'est engagé à en couvrir un tiers, le reste devant être "
                "partagé entre les quatre États au prorata de leur population."
            ),
            p(
                "La ministre valdoréenne des affaires étrangères, Clara Vennet, a reconnu que "
                "« les arbitrages budgétaires seront difficiles », tout en se disant confiante "
                "dans la capacité des parlements à voter les crédits avant la fin de l'année."
            ),
            h("Prochaine étape : les parlements"),
            p(
                "Le pacte n'entrera en vigueur qu'après sa ratification par les quatre assemblées "
                "nationales. Un premier bilan est prévu lors du prochain sommet de l'Union des "
                "États riverains, qui se tiendra au Tambara dans un an."
            ),
        ],
        "see_also": ["port-amara-chantier-du-port"],
    },
    {
        "slug": "port-amara-chantier-du-port",
        "section": "international",
        "title": "À Port-Amara, le chantier du nouveau port relance l'économie locale",
        "standfirst": "Docks agrandis, quais modernisés, centaines d'embauches : la capitale "
        "valdoréenne parie sur son port pour redevenir un carrefour du commerce régional.",
        "authors": ["moussa-diallo-verger"],
        "topics": ["port-amara", "valdoree", "emploi"],
        "visual": "Port-Amara",
        "caption": "Les nouveaux quais du port de Port-Amara (illustration).",
        "body": [
            p(
                "Sur la rive nord du fleuve Karou, les grues tournent du matin au soir. Commencé "
                "il y a dix-huit mois, le chantier du nouveau port de Port-Amara doit doubler la "
                "capacité d'accueil des navires d'ici deux ans."
            ),
            p(
                "Les autorités portuaires revendiquent déjà plus de 600 emplois directs, "
                "essentiellement des soudeurs, des conducteurs d'engins et des dockers formés sur "
                "place. Dans les quartiers voisins, petits restaurants et ateliers de réparation "
                "profitent de cette activité nouvelle."
            ),
            image("Quais de Port-Amara", "Un quai en cours de rénovation (illustration)."),
            p(
                "Reste la question de l'endettement : le projet est financé à 70 % par des prêts, "
                "que l'opposition juge trop coûteux pour un pays de la taille de la Valdorée."
            ),
            fact(
                "Le port en chiffres",
                "<ul><li>1,2 km de quais supplémentaires</li><li>600 emplois directs</li>"
                "<li>Mise en service complète prévue dans deux ans</li></ul>",
            ),
        ],
        "see_also": [WIRE_SLUG, "valdoree-calendrier-legislatives"],
    },
    {
        "slug": "valdoree-calendrier-legislatives",
        "section": "international",
        "title": "Valdorée : le calendrier des législatives fixé au printemps",
        "standfirst": "La commission électorale a retenu une date en avril. L'opposition, qui "
        "réclamait un report, obtient en échange une révision des listes électorales.",
        "authors": ["helene-castagnede"],
        "topics": ["valdoree", "elise-marveaux"],
        "visual": "Élections en Valdorée",
        "caption": "Un bureau de vote lors du précédent scrutin (illustration).",
        "body": [
            p(
                "Après plusieurs semaines de tractations, la commission électorale nationale a "
                "fixé au mois d'avril les élections législatives en Valdorée. La présidente "
                "Élise Marveaux a promulgué le décret dans la foulée."
            ),
            h("Une révision des listes"),
            p(
                "Principal point d'accord avec l'opposition, les listes électorales seront "
                "entièrement révisées d'ici février. Des équipes mobiles iront recenser les "
                "électeurs dans les zones rurales les plus éloignées."
            ),
            p(
                "Les partis disposent de six semaines pour déposer leurs candidatures. Pour la "
                "première fois, chaque liste devra comporter autant de femmes que d'hommes."
            ),
            related(WIRE_SLUG),
        ],
        "see_also": ["port-amara-chantier-du-port"],
    },
    {
        "slug": "tambara-saison-des-pluies-tardive",
        "section": "international",
        "title": "Au Tambara, une saison des pluies tardive inquiète les agriculteurs",
        "standfirst": "Les premières averses sont arrivées avec trois semaines de retard. Dans "
        "le sud du pays, les coopératives craignent une récolte de mil en net recul.",
        "authors": ["moussa-diallo-verger"],
        "topics": ["agriculture", "climat"],
        "visual": "Saison des pluies",
        "caption": "Des champs de mil dans le sud du Tambara (illustration).",
        "body": [
            p(
                "Dans les villages du sud du Tambara, on guette le ciel depuis la mi-juin. Les "
                "pluies, habituellement installées à cette date, ne sont tombées que début "
                "juillet, retardant d'autant les semis."
            ),
            p(
                "Les stocks de semences ont parfois été entamés pour nourrir les familles, ce qui "
                "réduit les surfaces plantées cette année."
            ),
            quote(
                "Nous avons semé deux fois. Si la pluie s'arrête trop tôt, nous n'aurons "
                "presque rien à vendre cet hiver.",
                "Awa Traoré-Ndiaye",
                "présidente d'une coopérative de producteurs de mil",
            ),
            p(
                "Le gouvernement a annoncé la distribution de semences à cycle court, mieux "
                "adaptées à une saison raccourcie."
            ),
            embed(
                "https://www.dailymotion.com/video/x9kqdemo1",
                "Reportage vidéo dans un village du sud du Tambara.",
            ),
        ],
        "see_also": ["fleuve-karou-partage-de-l-eau"],
    },
    {
        "slug": "kessarie-ligne-ferroviaire-transfrontaliere",
        "section": "international",
        "title": "La Kessarie inaugure sa première ligne ferroviaire transfrontalière",
        "standfirst": "Trois cents kilomètres de voie relient désormais la Kessarie au port de "
        "Port-Amara. Un trajet de deux jours par la route se fait en six heures.",
        "authors": ["helene-castagnede"],
        "topics": ["nadia-ferhane", "union-etats-riverains", "transports"],
        "visual": "Ligne ferroviaire",
        "caption": "Le premier train de voyageurs entre la Kessarie et la Valdorée "
        "(illustration).",
        "body": [
            p(
                "Sous les applaudissements, le premier train de voyageurs a quitté la gare "
                "centrale de la capitale kessarienne en présence de la présidente Nadia Ferhane."
            ),
            h("Désenclaver l'intérieur du pays"),
            p(
                "Privée d'accès à la mer, la Kessarie dépendait jusqu'ici de la route pour ses "
                "exportations. Le fret ferroviaire doit réduire de moitié le coût du transport "
                "des marchandises vers la côte."
            ),
            image("Gare de départ", "La nouvelle gare, à la frontière (illustration)."),
            p(
                "L'Union des États riverains, qui a cofinancé la ligne, étudie déjà un "
                "prolongement vers la Morvanie."
            ),
        ],
        "see_also": ["port-amara-chantier-du-port"],
    },
    {
        "slug": "morvanie-reforme-constitutionnelle",
        "section": "international",
        "title": "Morvanie : le projet de réforme constitutionnelle divise le Parlement",
        "standfirst": "Le président Aurelio Brandt veut allonger le mandat présidentiel à sept "
        "ans. Une partie de sa majorité hésite à le suivre.",
        "authors": ["helene-castagnede"],
        "topics": ["aurelio-brandt"],
        "visual": "Parlement de Morvanie",
        "caption": "L'hémicycle du Parlement morvanien (illustration).",
        "body": [
            p(
                "Le texte présenté en conseil des ministres prévoit de porter le mandat "
                "présidentiel de cinq à sept ans et de créer un Sénat élu au suffrage indirect."
            ),
            p(
                "Pour être adoptée, la réforme doit réunir les deux tiers des députés. Or une "
                "quinzaine d'élus de la majorité ont fait savoir qu'ils s'abstiendraient."
            ),
            quote(
                "Changer les règles du jeu pendant la partie n'a jamais renforcé la confiance "
                "des citoyens.",
                "Petra Lindqvist-Abad",
                "députée de l'opposition",
            ),
            p(
                "Le président a laissé entendre qu'il pourrait recourir au référendum si le "
                "Parlement bloquait le texte."
            ),
            fact(
                "La procédure",
                "<p>Deux lectures à l'Assemblée, un vote à la majorité des deux tiers, puis "
                "un contrôle de la Cour constitutionnelle.</p>",
            ),
        ],
        "see_also": [WIRE_SLUG],
    },
    {
        "slug": "fleuve-karou-partage-de-l-eau",
        "section": "international",
        "title": "Partage de l'eau du fleuve Karou : un accord technique en vue",
        "standfirst": "Les experts des quatre pays riverains se sont entendus sur une méthode "
        "commune de mesure des débits, préalable à tout accord politique.",
        "authors": ["moussa-diallo-verger"],
        "topics": ["union-etats-riverains", "climat"],
        "visual": "Fleuve Karou",
        "caption": "Le fleuve Karou en saison sèche (illustration).",
        "body": [
            p(
                "Le fleuve Karou irrigue quatre pays et fait vivre plusieurs millions de "
                "personnes. Sa baisse de débit en saison sèche nourrit depuis des années les "
                "tensions entre l'amont et l'aval."
            ),
            h("Des stations de mesure partagées"),
            p(
                "Les hydrologues ont convenu d'installer douze stations automatiques dont les "
                "relevés seront publiés en temps réel sur un site commun."
            ),
            h("Le plus dur reste à faire"),
            p(
                "La répartition des volumes prélevés pour l'irrigation sera discutée au niveau "
                "ministériel. Aucune date n'a encore été fixée."
            ),
            related("tambara-saison-des-pluies-tardive"),
        ],
        "see_also": [WIRE_SLUG],
    },
    {
        "slug": "jeunes-negociateurs-climat",
        "section": "international",
        "title": "De jeunes négociateurs préparent le prochain sommet sur le climat",
        "standfirst": "Cent vingt étudiants venus de trente pays ont simulé pendant une semaine "
        "une conférence internationale. Leur déclaration finale sera remise aux diplomates.",
        "authors": ["helene-castagnede"],
        "topics": ["climat", "education"],
        "visual": "Jeunes négociateurs",
        "caption": "Une séance plénière de la simulation (illustration).",
        "body": [
            p(
                "Chacun représentait un pays qui n'était pas le sien : c'était la règle de cette "
                "simulation de négociations climatiques organisée par un réseau d'universités."
            ),
            p(
                "Les participants ont buté, comme leurs aînés, sur la question du financement "
                "de l'adaptation dans les pays les plus exposés."
            ),
            embed("https://vimeo.com/900000101", "Les temps forts de la semaine en vidéo."),
            p(
                "Leur déclaration finale plaide pour un fonds alimenté par une taxe sur le "
                "transport maritime."
            ),
        ],
        "see_also": [("https://unfccc.int/", "Le site de la convention-cadre sur le climat")],
    },
    # ------------------------------------------------------------------ France
    {
        "slug": "bretagne-recul-du-trait-de-cote",
        "section": "france",
        "title": "En Bretagne, les communes littorales face au recul du trait de côte",
        "standfirst": "Falaises qui s'effritent, dunes grignotées : des maires doivent décider "
        "quels chemins, parkings ou maisons déplacer dans les trente prochaines années.",
        "authors": ["jeanne-poirel"],
        "topics": ["bretagne", "climat"],
        "visual": "Littoral breton",
        "caption": "Une falaise fragilisée sur la côte nord de la Bretagne (illustration).",
        "body": [
            p(
                "À marée haute, l'eau vient désormais lécher le pied du sentier côtier. Dans "
                "cette petite commune du Finistère, le conseil municipal a voté le déplacement "
                "du chemin de randonnée de quinze mètres vers l'intérieur des terres."
            ),
            h("Des cartes qui inquiètent"),
            p(
                "Les nouvelles cartes d'exposition au recul du littoral classent plusieurs "
                "dizaines de maisons en zone à risque à l'horizon 2050. Les propriétaires "
                "s'interrogent sur la valeur de leur bien."
            ),
            image(
                "Dunes grignotées", "Des ganivelles protègent un cordon dunaire (illustration)."
            ),
            p(
                "Les élus réclament un fonds national pour financer les relocalisations, "
                "aujourd'hui largement à la charge des communes."
            ),
            fact(
                "Comprendre",
                "<p>Le <b>trait de côte</b> désigne la limite entre la terre et "
                "la mer. Son recul est suivi par des relevés réguliers.</p>",
            ),
        ],
        "see_also": ["satellite-surveillance-erosion-cotes"],
    },
    {
        "slug": "lyon-bilan-pistes-cyclables",
        "section": "france",
        "title": "Lyon dresse le bilan de trois ans de pistes cyclables",
        "standfirst": "La fréquentation des nouveaux axes a doublé, mais les commerçants de "
        "certaines rues réclament des aménagements pour les livraisons.",
        "authors": ["jeanne-poirel"],
        "topics": ["lyon", "transports"],
        "visual": "Pistes cyclables",
        "caption": "Une piste cyclable bidirectionnelle le long des quais (illustration).",
        "body": [
            p(
                "Les compteurs installés sur les principaux axes enregistrent en moyenne deux "
                "fois plus de passages qu'avant les travaux, selon le bilan présenté en conseil "
                "municipal."
            ),
            p(
                "Les accidents impliquant des cyclistes ont légèrement reculé sur les tronçons "
                "séparés de la circulation automobile."
            ),
            quote(
                "Nous n'opposons pas vélo et commerce : nous cherchons des créneaux de "
                "livraison qui conviennent à tout le monde.",
                "Sophie Marchetti",
                "adjointe chargée des mobilités",
            ),
            p("Une concertation avec les associations de commerçants doit aboutir avant l'été."),
        ],
        "see_also": ["transport-a-la-demande-campagnes"],
    },
    {
        "slug": "marseille-renovation-des-ecoles",
        "section": "france",
        "title": "À Marseille, un été de travaux pour rénover les écoles",
        "standfirst": "Quarante établissements ont profité des vacances pour changer leurs "
        "fenêtres, isoler leurs toits ou végétaliser leurs cours.",
        "authors": ["jeanne-poirel"],
        "topics": ["marseille", "education"],
        "visual": "Écoles rénovées",
        "caption": "Une cour d'école végétalisée (illustration).",
        "body": [
            p(
                "Quand les élèves reviendront, certains ne reconnaîtront pas leur cour. Le "
                "bitume a laissé place à des arbres, des bancs et un sol qui absorbe la pluie."
            ),
            h("Priorité au confort d'été"),
            p(
                "Les écoles les plus exposées à la chaleur ont été traitées en premier : "
                "protections solaires, ventilation naturelle et isolation des toitures."
            ),
            h("Un programme sur dix ans"),
            p(
                "La ville prévoit de rénover l'ensemble de ses écoles d'ici dix ans. Les "
                "parents d'élèves demandent un calendrier précis, école par école."
            ),
            related("canicule-plans-communes"),
        ],
        "see_also": ["orchestre-jeunes-marseille"],
    },
    {
        "slug": "deserts-medicaux-maisons-de-sante",
        "section": "france",
        "title": "Déserts médicaux : les maisons de santé gagnent du terrain",
        "standfirst": "En regroupant médecins, infirmiers et kinésithérapeutes, des communes "
        "rurales parviennent à attirer de jeunes soignants.",
        "authors": ["jeanne-poirel"],
        "topics": ["sante-publique"],
        "visual": "Maison de santé",
        "caption": "L'accueil d'une maison de santé pluridisciplinaire (illustration).",
        "body": [
            p(
                "Dans ce bourg de 2 000 habitants, le dernier médecin était parti à la retraite "
                "sans successeur. Trois ans plus tard, ils sont quatre à exercer dans la maison "
                "de santé ouverte par la communauté de communes."
            ),
            p(
                "Secrétariat partagé, dossiers communs, gardes organisées : les jeunes "
                "praticiens disent y trouver un cadre de travail moins isolé."
            ),
            fact(
                "Ce qu'il faut savoir",
                "<ul><li>Au moins deux médecins et un professionnel paramédical</li>"
                "<li>Un projet de santé commun</li><li>Des aides à l'installation</li></ul>",
            ),
            p(
                "Ces structures ne suffisent pas partout : certaines restent vides faute de "
                "candidats."
            ),
            embed(
                "https://www.youtube.com/watch?v=KiosqDemo01",
                "Une journée dans une maison de santé rurale.",
            ),
        ],
        "see_also": ["campagne-vaccination-grippe"],
    },
    {
        "slug": "lycees-professionnels-stages-allonges",
        "section": "france",
        "title": "Lycées professionnels : des stages en entreprise plus longs dès la rentrée",
        "standfirst": "Les élèves de terminale passeront six semaines de plus en entreprise. "
        "Les enseignants s'inquiètent du temps retiré aux cours.",
        "authors": ["jeanne-poirel", "bastien-lemercier"],
        "topics": ["education", "emploi"],
        "visual": "Lycée professionnel",
        "caption": "Un atelier de mécanique dans un lycée professionnel (illustration).",
        "body": [
            p(
                "La réforme entre en vigueur à la rentrée : les périodes de formation en milieu "
                "professionnel sont allongées en dernière année."
            ),
            quote(
                "Trouver une entreprise d'accueil est déjà difficile pour nos élèves. Six "
                "semaines de plus, c'est un vrai défi.",
                "Karim Benchetrit",
                "professeur de maintenance industrielle",
            ),
            p(
                "Les élèves seront indemnisés pendant leurs stages, une mesure saluée par les "
                "familles."
            ),
            p(
                "Les régions doivent accompagner les lycées dans la recherche d'entreprises "
                "partenaires."
            ),
        ],
        "see_also": ["apprentissage-jeunes-entreprises"],
    },
    {
        "slug": "canicule-plans-communes",
        "section": "france",
        "title": "Canicule : les communes peaufinent leurs plans d'accueil au frais",
        "standfirst": "Salles rafraîchies, horaires élargis des piscines, registre des "
        "personnes isolées : les mairies se préparent à des étés plus chauds.",
        "authors": ["jeanne-poirel"],
        "topics": ["climat", "sante-publique"],
        "visual": "Îlots de fraîcheur",
        "caption": "Un parc ombragé ouvert en soirée (illustration).",
        "body": [
            p(
                "Dès le premier épisode de forte chaleur, plusieurs villes ouvrent des salles "
                "climatisées aux personnes âgées et aux familles sans solution."
            ),
            h("Appeler les personnes isolées"),
            p(
                "Les registres communaux permettent aux agents d'appeler chaque jour les "
                "personnes inscrites. Les mairies encouragent les proches à les signaler."
            ),
            image("Parc ombragé", "Les parcs restent ouverts jusqu'à minuit (illustration)."),
            p(
                "Certaines communes avancent aussi les horaires des chantiers et des marchés "
                "pour éviter les heures les plus chaudes."
            ),
        ],
        "see_also": ["marseille-renovation-des-ecoles", "mediterranee-chaleur-de-l-eau"],
    },
    {
        "slug": "transport-a-la-demande-campagnes",
        "section": "france",
        "title": "Dans les campagnes, le transport à la demande trouve son public",
        "standfirst": "Un simple appel la veille suffit pour être conduit au marché ou chez le "
        "médecin. Le service séduit surtout les personnes âgées.",
        "authors": ["jeanne-poirel"],
        "topics": ["transports"],
        "visual": "Transport à la demande",
        "caption": "Un minibus du service de transport à la demande (illustration).",
        "body": [
            p(
                "Dans ce département rural, les lignes régulières de car ne passaient plus "
                "qu'une fois par jour. Le minibus à la demande circule désormais six jours sur "
                "sept."
            ),
            p("Le trajet coûte le prix d'un ticket de bus, quelle que soit la distance."),
            p(
                "Le conseil départemental envisage d'étendre le service aux soirées pour les "
                "jeunes travailleurs."
            ),
            fact(
                "Mode d'emploi",
                "<p>Réserver par téléphone ou en ligne avant 17 heures la veille ; le "
                "minibus passe à domicile.</p>",
            ),
        ],
        "see_also": ["lyon-bilan-pistes-cyclables"],
    },
    # ------------------------------------------------------------------ Économie
    {
        "slug": "prix-alimentaires-ralentissement",
        "section": "economie",
        "title": "Les prix alimentaires ralentissent, sans revenir à leur niveau d'avant",
        "standfirst": "La hausse sur un an est la plus faible depuis longtemps, mais le panier "
        "moyen reste nettement plus cher qu'il y a trois ans.",
        "authors": ["bastien-lemercier"],
        "topics": ["inflation"],
        "visual": "Prix alimentaires",
        "caption": "Au rayon frais d'un supermarché (illustration).",
        "body": [
            p(
                "Les étiquettes bougent moins vite. Selon les derniers relevés, la hausse des "
                "prix alimentaires sur un an est retombée sous les 2 %."
            ),
            h("Des écarts selon les produits"),
            p(
                "Les produits frais restent volatils, tandis que les pâtes, le café ou l'huile "
                "affichent de légères baisses après les fortes hausses passées."
            ),
            fact(
                "Repères",
                "<ul><li>Ralentissement pour le sixième mois consécutif</li>"
                "<li>Produits frais : forte volatilité</li></ul>",
            ),
            p(
                "Pour les ménages, le rattrapage des salaires reste incomplet : le pouvoir "
                "d'achat alimentaire n'a pas retrouvé son niveau antérieur."
            ),
        ],
        "see_also": [("https://www.insee.fr/", "Les indices de prix sur le site de l'Insee")],
    },
    {
        "slug": "apprentissage-jeunes-entreprises",
        "section": "economie",
        "title": "L'apprentissage attire toujours plus de jeunes, les entreprises s'adaptent",
        "standfirst": "Le nombre de contrats signés continue de progresser. Les petites "
        "entreprises réclament plus d'accompagnement pour former leurs apprentis.",
        "authors": ["bastien-lemercier"],
        "topics": ["emploi", "education"],
        "visual": "Apprentissage",
        "caption": "Un apprenti menuisier et son maître d'apprentissage (illustration).",
        "body": [
            p(
                "Boulangerie, informatique, comptabilité : l'apprentissage s'est largement "
                "étendu aux formations supérieures, qui représentent désormais près de la moitié "
                "des contrats."
            ),
            p(
                "Dans les petites entreprises, la charge de formation repose souvent sur le "
                "patron lui-même."
            ),
            quote(
                "Former un apprenti, c'est du temps. Mais c'est aussi comme ça que j'ai "
                "trouvé mes deux derniers salariés.",
                "Nathalie Roussel",
                "gérante d'une menuiserie",
            ),
            p("Le coût des aides publiques fait débat, alors que l'État cherche des économies."),
        ],
        "see_also": ["lycees-professionnels-stages-allonges"],
    },
    {
        "slug": "renovation-thermique-menages-modestes",
        "section": "economie",
        "title": "Rénovation thermique : les ménages modestes mieux aidés",
        "standfirst": "Les aides couvrent désormais jusqu'à 90 % du coût des travaux pour les "
        "revenus les plus faibles. Les artisans manquent pour suivre.",
        "authors": ["bastien-lemercier"],
        "topics": ["energie"],
        "visual": "Rénovation thermique",
        "caption": "Pose d'isolant dans des combles (illustration).",
        "body": [
            p(
                "Isoler les combles, changer une chaudière au fioul, remplacer les fenêtres : "
                "les travaux les plus efficaces sont aussi les plus coûteux."
            ),
            h("Un accompagnateur obligatoire"),
            p(
                "Chaque projet d'ampleur doit être suivi par un accompagnateur agréé, chargé de "
                "vérifier les devis et l'efficacité réelle des travaux."
            ),
            h("Des délais qui s'allongent"),
            p(
                "Faute d'artisans qualifiés en nombre suffisant, il faut parfois attendre six "
                "mois pour commencer le chantier."
            ),
            image("Combles isolés", "Des combles après isolation (illustration)."),
        ],
        "see_also": ["usine-batteries-recrutement"],
    },
    {
        "slug": "cooperatives-circuits-courts",
        "section": "economie",
        "title": "Les coopératives agricoles misent sur les circuits courts",
        "standfirst": "Magasins de producteurs, paniers, vente aux cantines : vendre sans "
        "intermédiaire permet à des exploitations de mieux vivre de leur travail.",
        "authors": ["bastien-lemercier"],
        "topics": ["agriculture"],
        "visual": "Circuits courts",
        "caption": "Un magasin de producteurs en périphérie de ville (illustration).",
        "body": [
            p(
                "Une vingtaine d'exploitations se sont regroupées pour ouvrir un magasin commun "
                "à l'entrée de la ville. Chacun y assure une permanence par semaine."
            ),
            p(
                "La part de la vente directe dans leur chiffre d'affaires atteint désormais "
                "40 %, contre moins de 10 % il y a cinq ans."
            ),
            embed(
                "https://www.dailymotion.com/video/x9kqdemo2",
                "Visite d'un magasin de producteurs.",
            ),
            p(
                "La restauration collective, tenue d'acheter local, est devenue un débouché "
                "régulier."
            ),
        ],
        "see_also": ["comptage-insectes-pollinisateurs"],
    },
    {
        "slug": "usine-batteries-recrutement",
        "section": "economie",
        "title": "Batteries : une usine du Nord recrute ses premiers techniciens",
        "standfirst": "Quatre cents postes doivent être pourvus d'ici un an. Un centre de "
        "formation a ouvert à proximité du site.",
        "authors": ["bastien-lemercier"],
        "topics": ["energie", "emploi"],
        "visual": "Usine de batteries",
        "caption": "Une ligne d'assemblage de cellules de batteries (illustration).",
        "body": [
            p(
                "Les premières lignes de production doivent démarrer au printemps. L'usine "
                "fabriquera des cellules de batteries pour véhicules électriques."
            ),
            quote(
                "Nous cherchons des profils variés, y compris des personnes en reconversion "
                "que nous formerons nous-mêmes.",
                "Olivier Ménard",
                "directeur des ressources humaines du site",
            ),
            p(
                "Les syndicats demandent des garanties sur les salaires et les conditions de "
                "travail en horaires décalés."
            ),
            fact(
                "Le projet",
                "<ul><li>400 emplois d'ici un an</li><li>Un centre de formation dédié</li></ul>",
            ),
        ],
        "see_also": ["renovation-thermique-menages-modestes"],
    },
    {
        "slug": "commerces-centre-ville-vacance",
        "section": "economie",
        "title": "Commerces de centre-ville : la vacance recule dans les villes moyennes",
        "standfirst": "Après des années de rideaux baissés, de nouvelles boutiques s'installent, "
        "aidées par des loyers plus bas et des programmes de revitalisation.",
        "authors": ["bastien-lemercier"],
        "topics": ["emploi"],
        "visual": "Centre-ville",
        "caption": "Une rue commerçante d'une ville moyenne (illustration).",
        "body": [
            p(
                "Dans plusieurs villes moyennes, la part de locaux commerciaux vides a baissé "
                "pour la deuxième année consécutive."
            ),
            h("Des boutiques d'un nouveau genre"),
            p(
                "Ateliers de réparation, épiceries en vrac, tiers-lieux : les nouveaux venus ne "
                "ressemblent pas toujours aux commerces partis."
            ),
            p(
                "Les municipalités rachètent parfois des murs pour proposer des loyers "
                "progressifs aux créateurs."
            ),
            related("cooperatives-circuits-courts"),
        ],
        "see_also": ["prix-alimentaires-ralentissement"],
    },
    {
        "slug": "pme-intelligence-artificielle",
        "section": "economie",
        "title": "Les PME adoptent l'intelligence artificielle, mais à petits pas",
        "standfirst": "Rédaction de devis, tri des courriels, prévisions de stock : les usages "
        "se multiplient, la formation des salariés beaucoup moins vite.",
        "authors": ["bastien-lemercier"],
        "topics": ["intelligence-artificielle", "emploi"],
        "visual": "IA en entreprise",
        "caption": "Un atelier de formation aux outils numériques (illustration).",
        "body": [
            p(
                "Une PME sur trois déclare utiliser au moins un outil d'intelligence "
                "artificielle, le plus souvent pour des tâches administratives."
            ),
            p(
                "Beaucoup de dirigeants avouent toutefois avancer sans stratégie ni règles "
                "claires sur les données confiées à ces outils."
            ),
            quote(
                "L'outil ne remplace personne ici. Il nous fait gagner une heure par jour "
                "sur la paperasse.",
                "Yann Le Bihan",
                "dirigeant d'une entreprise de plomberie",
            ),
            p("Les chambres de commerce multiplient les ateliers d'initiation."),
            fact(
                "Usages les plus cités",
                "<ol><li>Rédaction de textes</li><li>Traduction</li>"
                "<li>Analyse de tableaux</li></ol>",
            ),
        ],
        "see_also": ["ia-lecture-radiographies"],
    },
    # ------------------------------------------------------------------ Culture
    {
        "slug": "festival-premiers-films",
        "section": "culture",
        "title": "Un festival de premiers films révèle une génération de cinéastes",
        "standfirst": "Douze longs métrages en compétition, tous réalisés par des débutants : "
        "le palmarès a récompensé un drame familial tourné en une seule maison.",
        "authors": ["ines-ouardi"],
        "topics": ["cinema"],
        "visual": "Premiers films",
        "caption": "La salle du festival avant une projection (illustration).",
        "body": [
            p(
                "Le jury a distingué un film tourné en dix-huit jours avec un budget minuscule, "
                "récit d'une fratrie réunie pour vider la maison de son enfance."
            ),
            image("Salle obscure", "Une projection en plein air (illustration)."),
            p(
                "Le public a préféré une comédie sur une chorale de quartier, qui sortira en "
                "salles au printemps."
            ),
            quote(
                "Un premier film, c'est souvent le seul moment où l'on ose tout.",
                "Lina Desrosiers",
                "présidente du jury",
            ),
            p("Plusieurs réalisateurs ont évoqué la difficulté de financer un deuxième film."),
        ],
        "see_also": ["series-tournage-region-lyon"],
    },
    {
        "slug": "rentree-litteraire-premiers-romans",
        "section": "culture",
        "title": "Rentrée littéraire : les premiers romans tiennent le haut de l'affiche",
        "standfirst": "Sur plusieurs centaines de titres, une soixantaine de premiers romans. "
        "Libraires et lecteurs y trouvent quelques-unes des surprises de la saison.",
        "authors": ["ines-ouardi"],
        "topics": ["litterature"],
        "visual": "Rentrée littéraire",
        "caption": "Les tables d'une librairie à la rentrée (illustration).",
        "body": [
            p(
                "Chaque fin d'été, les tables des libraires croulent sous les nouveautés. "
                "Cette année, plusieurs premiers romans se sont imposés dans les listes de prix."
            ),
            h("Des récits de l'intime"),
            p(
                "Deuils, filiations, exils : les jeunes auteurs privilégient les histoires "
                "familiales, souvent nourries de leur propre expérience."
            ),
            h("Le rôle décisif des libraires"),
            p(
                "Sans grand budget de promotion, ces livres doivent leur succès au bouche-à-"
                "oreille et aux conseils des libraires indépendants."
            ),
            fact(
                "Notre sélection",
                "<ol><li>Un roman sur une pêcheuse de Lorient</li>"
                "<li>Une enquête familiale à travers trois générations</li>"
                "<li>Un récit d'exil en forme de journal</li></ol>",
            ),
        ],
        "see_also": ["bande-dessinee-autrices-primees"],
    },
    {
        "slug": "musee-des-tissages-reouverture",
        "section": "culture",
        "title": "Le musée des Tissages rouvre sa galerie après deux ans de travaux",
        "standfirst": "Le parcours, entièrement repensé, fait dialoguer soieries anciennes et "
        "créations contemporaines.",
        "authors": ["ines-ouardi"],
        "topics": ["musee-des-tissages", "lyon"],
        "visual": "Musée des Tissages",
        "caption": "La galerie principale du musée des Tissages (illustration).",
        "body": [
            p(
                "Fermée depuis deux ans, la grande galerie du musée des Tissages accueille de "
                "nouveau le public avec un parcours chronologique et des métiers à tisser en "
                "fonctionnement."
            ),
            p(
                "L'éclairage a été entièrement refait pour protéger les pièces les plus fragiles "
                "de la lumière."
            ),
            image("Métier à tisser", "Un métier à tisser restauré (illustration)."),
            p("Des ateliers d'initiation au tissage sont proposés chaque week-end."),
            related("series-tournage-region-lyon"),
        ],
        "see_also": ["festival-premiers-films"],
    },
    {
        "slug": "theatre-tournee-des-villages",
        "section": "culture",
        "title": "Une troupe de théâtre joue dans les villages qui n'ont plus de salle",
        "standfirst": "Salles des fêtes, granges, cours d'école : la compagnie s'installe là où "
        "le spectacle vivant ne passe plus.",
        "authors": ["ines-ouardi"],
        "topics": ["bretagne"],
        "visual": "Théâtre itinérant",
        "caption": "Le décor monté dans une salle des fêtes (illustration).",
        "body": [
            p(
                "Un camion, quatre comédiens, un décor qui se monte en deux heures : la "
                "compagnie a donné quarante représentations cet été dans des communes de moins "
                "de mille habitants."
            ),
            quote(
                "Après le spectacle, on reste manger avec les habitants. C'est là que le "
                "théâtre continue.",
                "Maëlle Guivarc'h",
                "metteuse en scène de la compagnie",
            ),
            p("Les billets sont à prix libre ; les communes prennent en charge l'accueil."),
            embed("https://vimeo.com/900000102", "Extrait du spectacle en tournée."),
        ],
        "see_also": ["bretagne-recul-du-trait-de-cote"],
    },
    {
        "slug": "bande-dessinee-autrices-primees",
        "section": "culture",
        "title": "Bande dessinée : les autrices raflent les prix de la saison",
        "standfirst": "Trois des quatre principales récompenses sont allées à des femmes, une "
        "première qui reflète l'évolution du secteur.",
        "authors": ["ines-ouardi"],
        "topics": ["litterature"],
        "visual": "Bande dessinée",
        "caption": "Planches exposées lors d'un festival de bande dessinée (illustration).",
        "body": [
            p(
                "Un roman graphique sur une ouvrière du textile, un récit de science-fiction et "
                "une autobiographie dessinée : les lauréates ont des univers très différents."
            ),
            p(
                "La part des autrices parmi les nouveaux albums publiés progresse lentement mais "
                "régulièrement."
            ),
            fact(
                "Les lauréates",
                "<p>Trois autrices distinguées, dont deux pour leur premier album.</p>",
            ),
            p("Les éditeurs notent aussi un lectorat plus jeune et plus féminin."),
        ],
        "see_also": ["rentree-litteraire-premiers-romans"],
    },
    {
        "slug": "orchestre-jeunes-marseille",
        "section": "culture",
        "title": "À Marseille, un orchestre de jeunes venus de tous les quartiers",
        "standfirst": "Soixante musiciens de 8 à 16 ans, la plupart sans formation préalable, "
        "jouent ensemble après deux ans de répétitions.",
        "authors": ["ines-ouardi"],
        "topics": ["marseille", "education"],
        "visual": "Orchestre de jeunes",
        "caption": "Une répétition de l'orchestre (illustration).",
        "body": [
            p(
                "Chaque mercredi, les enfants se retrouvent au conservatoire pour répéter. "
                "Les instruments leur sont prêtés pour toute la durée du programme."
            ),
            p("Le premier concert public a rempli la salle, parents en tête."),
            quote(
                "Au début, certains n'avaient jamais tenu un violon. Aujourd'hui, ils "
                "jouent Dvořák.",
                "Rachid Amrani",
                "chef d'orchestre",
            ),
            embed("https://www.youtube.com/watch?v=KiosqDemo02", "Le concert de fin d'année."),
        ],
        "see_also": ["marseille-renovation-des-ecoles"],
    },
    {
        "slug": "series-tournage-region-lyon",
        "section": "culture",
        "title": "Les tournages de séries se multiplient autour de Lyon",
        "standfirst": "Décors variés, techniciens sur place, aides régionales : la région "
        "attire les productions, au bénéfice des figurants et des artisans locaux.",
        "authors": ["ines-ouardi"],
        "topics": ["cinema", "emploi", "lyon"],
        "visual": "Tournages",
        "caption": "Un plateau de tournage dans une rue du centre (illustration).",
        "body": [
            p(
                "Trois séries ont été tournées cette année dans l'agglomération, contre une "
                "seule il y a cinq ans."
            ),
            h("Une filière qui se structure"),
            p(
                "Loueurs de matériel, costumiers, menuisiers de décor : tout un tissu de petites "
                "entreprises travaille désormais pour les tournages."
            ),
            p("Les habitants, eux, s'habituent aux rues bloquées quelques jours."),
            related("festival-premiers-films"),
        ],
        "see_also": ["musee-des-tissages-reouverture"],
    },
    # ------------------------------------------------------------------ Sciences
    {
        "slug": "satellite-surveillance-erosion-cotes",
        "section": "sciences",
        "title": "Un petit satellite pour surveiller l'érosion des côtes",
        "standfirst": "De la taille d'une boîte à chaussures, il photographiera le littoral "
        "tous les trois jours avec une précision de quelques mètres.",
        "authors": ["lucie-kervella"],
        "topics": ["espace", "climat"],
        "visual": "Satellite",
        "caption": "Vue d'artiste du nanosatellite en orbite (illustration).",
        "body": [
            p(
                "Conçu par un laboratoire universitaire, le nanosatellite doit être lancé "
                "l'an prochain. Sa mission : suivre l'évolution des plages et des falaises."
            ),
            h("Des images à la portée des communes"),
            p(
                "Les images seront mises gratuitement à la disposition des collectivités, qui "
                "pourront comparer l'état de leur littoral d'une saison à l'autre."
            ),
            image("Vue d'artiste", "Le satellite déploie ses panneaux (illustration)."),
            p(
                "Les chercheurs espèrent mesurer l'effet des tempêtes hivernales en quelques "
                "jours seulement."
            ),
        ],
        "see_also": ["bretagne-recul-du-trait-de-cote"],
    },
    {
        "slug": "campagne-vaccination-grippe",
        "section": "sciences",
        "title": "Grippe : la campagne de vaccination démarre plus tôt cette année",
        "standfirst": "Les personnes âgées et les soignants peuvent se faire vacciner dès la "
        "mi-octobre, en pharmacie ou chez leur médecin.",
        "authors": ["lucie-kervella"],
        "topics": ["sante-publique"],
        "visual": "Vaccination",
        "caption": "Une vaccination en pharmacie (illustration).",
        "body": [
            p(
                "Les autorités sanitaires ont avancé le début de la campagne pour protéger les "
                "plus fragiles avant les premiers cas."
            ),
            p(
                "Le vaccin est pris en charge pour les plus de 65 ans, les femmes enceintes et "
                "les personnes atteintes de certaines maladies chroniques."
            ),
            fact(
                "Qui peut vacciner ?",
                "<ul><li>Médecins</li><li>Pharmaciens</li>"
                "<li>Infirmiers</li><li>Sages-femmes</li></ul>",
            ),
            p("La couverture vaccinale des soignants reste jugée insuffisante."),
        ],
        "see_also": ["deserts-medicaux-maisons-de-sante"],
    },
    {
        "slug": "ia-lecture-radiographies",
        "section": "sciences",
        "title": "À l'hôpital, l'intelligence artificielle aide à lire les radiographies",
        "standfirst": "Un logiciel signale les fractures passées inaperçues aux urgences. Les "
        "radiologues restent seuls responsables du diagnostic.",
        "authors": ["lucie-kervella"],
        "topics": ["intelligence-artificielle", "sante-publique"],
        "visual": "Imagerie médicale",
        "caption": "Un radiologue devant ses écrans (illustration).",
        "body": [
            p(
                "Aux urgences, la nuit, les radiographies sont souvent lues dans la hâte. Le "
                "logiciel testé depuis un an entoure les zones suspectes."
            ),
            quote(
                "La machine ne fatigue pas à quatre heures du matin. Mais c'est toujours un "
                "médecin qui signe.",
                "Dr Anne-Laure Rivière",
                "radiologue",
            ),
            p(
                "Selon l'équipe, le nombre de fractures manquées a nettement diminué pendant la "
                "période de test."
            ),
            p("Une évaluation indépendante doit confirmer ces résultats."),
            embed("https://vimeo.com/900000103", "Démonstration du logiciel."),
        ],
        "see_also": ["pme-intelligence-artificielle"],
    },
    {
        "slug": "comptage-insectes-pollinisateurs",
        "section": "sciences",
        "title": "Des milliers de bénévoles comptent les insectes pollinisateurs",
        "standfirst": "Dix minutes devant un massif de fleurs, une fiche à remplir : les "
        "observations alimentent une base de données suivie par les chercheurs.",
        "authors": ["lucie-kervella"],
        "topics": ["climat", "agriculture"],
        "visual": "Pollinisateurs",
        "caption": "Un bourdon sur une fleur de lavande (illustration).",
        "body": [
            p(
                "Le protocole est simple : observer un massif pendant dix minutes et noter les "
                "insectes qui s'y posent, par grandes familles."
            ),
            p(
                "Plus de dix mille relevés ont été envoyés cet été, des jardins de ville aux "
                "bords de champs."
            ),
            image("Bourdon", "Les bourdons sont parmi les plus observés (illustration)."),
            p(
                "Les premières analyses montrent des populations plus abondantes près des haies "
                "et des prairies fleuries."
            ),
            fact(
                "Participer",
                "<p>Un carnet d'observation et un guide d'identification sont "
                "disponibles auprès des associations naturalistes.</p>",
            ),
        ],
        "see_also": ["cooperatives-circuits-courts"],
    },
    {
        "slug": "comete-visible-a-l-oeil-nu",
        "section": "sciences",
        "title": "Une comète visible à l'œil nu cet automne ?",
        "standfirst": "Les astronomes restent prudents : son éclat dépendra de sa résistance "
        "au passage près du Soleil.",
        "authors": ["lucie-kervella"],
        "topics": ["espace"],
        "visual": "Comète",
        "caption": "Une comète au-dessus de l'horizon (illustration).",
        "body": [
            p(
                "Découverte il y a un an, la comète se rapproche du Soleil et pourrait devenir "
                "visible sans instrument à la fin octobre."
            ),
            h("Où et quand regarder"),
            p(
                "Il faudra se tourner vers l'ouest, juste après le coucher du Soleil, loin des "
                "éclairages urbains."
            ),
            h("Un éclat incertain"),
            p(
                "Certaines comètes se fragmentent en approchant du Soleil et déçoivent les "
                "observateurs. Les prévisions seront affinées dans les prochaines semaines."
            ),
            fact(
                "Conseils d'observation",
                "<ul><li>Horizon ouest dégagé</li><li>Jumelles utiles</li>"
                "<li>Laisser les yeux s'habituer au noir</li></ul>",
            ),
        ],
        "see_also": ["satellite-surveillance-erosion-cotes"],
    },
    {
        "slug": "mediterranee-chaleur-de-l-eau",
        "section": "sciences",
        "title": "En Méditerranée, les chercheurs suivent de près la chaleur de l'eau",
        "standfirst": "Des bouées relèvent la température jusqu'à quarante mètres de fond. Les "
        "épisodes de chaleur marine se font plus longs.",
        "authors": ["lucie-kervella"],
        "topics": ["climat", "marseille"],
        "visual": "Méditerranée",
        "caption": "Une bouée de mesure au large de Marseille (illustration).",
        "body": [
            p(
                "Au large de Marseille, une ligne de capteurs enregistre la température de "
                "l'eau toutes les heures, de la surface jusqu'à quarante mètres."
            ),
            quote(
                "Nous voyons des gorgones mourir là où l'eau reste chaude plusieurs semaines "
                "d'affilée.",
                "Mathieu Ferracci",
                "océanographe",
            ),
            p(
                "Ces données aident les gestionnaires d'aires marines à cibler leurs mesures "
                "de protection."
            ),
            p("Des plongeurs bénévoles participent aussi au suivi des espèces fixées."),
        ],
        "see_also": [
            "canicule-plans-communes",
            ("https://meteofrance.com/", "Les prévisions marines de Météo-France"),
        ],
    },
    # ------------------------------------------------------------------ Sport
    {
        "slug": "fc-kerbastel-exploit-en-coupe",
        "section": "sport",
        "title": "Football : le FC Kerbastel crée la surprise en Coupe",
        "standfirst": "Le club amateur breton a éliminé une équipe de deuxième division aux "
        "tirs au but, devant deux mille spectateurs.",
        "authors": ["theo-garnier"],
        "topics": ["fc-kerbastel", "football", "bretagne"],
        "visual": "FC Kerbastel",
        "caption": "La joie des joueurs de Kerbastel (illustration).",
        "body": [
            p(
                "Personne n'y croyait, sauf peut-être eux. Menés au score jusqu'à la 80e minute, "
                "les joueurs de Kerbastel ont égalisé sur un coup franc avant de s'imposer aux "
                "tirs au but."
            ),
            p(
                "Le stade municipal, qui compte d'ordinaire quelques centaines de spectateurs, "
                "affichait complet."
            ),
            quote(
                "On travaille tous la semaine. Ce soir, on a vécu quelque chose qu'on "
                "racontera longtemps.",
                "Erwan Le Goff",
                "capitaine du FC Kerbastel",
            ),
            p("Le tirage du prochain tour aura lieu lundi."),
            embed("https://www.dailymotion.com/video/x9kqdemo3", "Le résumé du match."),
        ],
        "see_also": ["athletisme-stage-jeunes-talents"],
    },
    {
        "slug": "cyclisme-tour-des-monts-etape-reine",
        "section": "sport",
        "title": "Cyclisme : l'étape reine redistribue les cartes du Tour des Monts",
        "standfirst": "Trois cols et une arrivée au sommet : le maillot de leader a changé "
        "d'épaules à deux jours de l'arrivée.",
        "authors": ["theo-garnier"],
        "topics": ["cyclisme"],
        "visual": "Tour des Monts",
        "caption": "Le peloton dans l'ascension du dernier col (illustration).",
        "body": [
            p(
                "L'échappée du matin a été reprise au pied du dernier col. Un jeune grimpeur "
                "a ensuite attaqué à six kilomètres du sommet."
            ),
            h("Le leader en difficulté"),
            p(
                "Le porteur du maillot a concédé près de deux minutes, victime d'une défaillance "
                "dans les derniers lacets."
            ),
            image("Dernier col", "Les derniers lacets de l'ascension (illustration)."),
            p("Le contre-la-montre de samedi décidera du vainqueur final."),
        ],
        "see_also": ["voile-course-en-solitaire-depart"],
    },
    {
        "slug": "athletisme-stage-jeunes-talents",
        "section": "sport",
        "title": "Athlétisme : un stage d'été pour repérer les jeunes talents",
        "standfirst": "Quatre-vingts adolescents venus de clubs de toute la région ont passé une "
        "semaine avec des entraîneurs fédéraux.",
        "authors": ["theo-garnier"],
        "topics": ["sport-amateur", "education"],
        "visual": "Athlétisme",
        "caption": "Un entraînement de saut en longueur (illustration).",
        "body": [
            p(
                "Sprint, sauts, lancers : chaque stagiaire a pu essayer toutes les disciplines "
                "avant de se spécialiser."
            ),
            p("Les entraîneurs insistent sur la prévention des blessures à l'adolescence."),
            fact(
                "Le stage",
                "<ul><li>80 jeunes de 13 à 16 ans</li>"
                "<li>12 entraîneurs</li><li>Une semaine en internat</li></ul>",
            ),
            p("Les plus prometteurs seront suivis tout au long de la saison."),
        ],
        "see_also": ["basket-fauteuil-club-lyonnais"],
    },
    {
        "slug": "basket-fauteuil-club-lyonnais",
        "section": "sport",
        "title": "Basket fauteuil : un club lyonnais forme la relève",
        "standfirst": "Valides et handicapés jouent ensemble dans l'équipe réserve. Le club "
        "espère voir deux de ses jeunes en équipe nationale.",
        "authors": ["theo-garnier"],
        "topics": ["lyon", "sport-amateur"],
        "visual": "Basket fauteuil",
        "caption": "Un match de basket fauteuil (illustration).",
        "body": [
            p(
                "Le règlement autorise des joueurs valides dans certaines compétitions : le "
                "club en a fait un moyen de recruter."
            ),
            quote(
                "Sur le terrain, personne ne regarde qui marche et qui ne marche pas. On "
                "regarde qui marque.",
                "Samia Belkacem",
                "entraîneuse de l'équipe réserve",
            ),
            p("Le principal frein reste le prix d'un fauteuil de compétition."),
            related("athletisme-stage-jeunes-talents"),
        ],
        "see_also": ["lyon-bilan-pistes-cyclables"],
    },
    {
        "slug": "voile-course-en-solitaire-depart",
        "section": "sport",
        "title": "Voile : quarante skippers au départ d'une course en solitaire",
        "standfirst": "Trois semaines de mer en perspective pour ces marins, dont une dizaine de "
        "bizuths.",
        "authors": ["theo-garnier"],
        "topics": ["bretagne"],
        "visual": "Course au large",
        "caption": "Les bateaux au départ de la course (illustration).",
        "body": [
            p(
                "Sous un ciel gris et un vent d'ouest soutenu, les quarante bateaux ont franchi "
                "la ligne de départ en début d'après-midi."
            ),
            h("Une première nuit décisive"),
            p(
                "Le passage du premier cap, de nuit, s'annonce délicat. Les routeurs conseillent "
                "de s'écarter des côtes."
            ),
            embed("https://www.youtube.com/watch?v=KiosqDemo03", "Le départ vu du ciel."),
            p("Les premiers sont attendus dans trois semaines à l'arrivée."),
        ],
        "see_also": ["fc-kerbastel-exploit-en-coupe"],
    },
]

# Home-page "À la une", in order.
FEATURED = [
    WIRE_SLUG,
    "bretagne-recul-du-trait-de-cote",
    "prix-alimentaires-ralentissement",
    "festival-premiers-films",
    "satellite-surveillance-erosion-cotes",
    "fc-kerbastel-exploit-en-coupe",
]
