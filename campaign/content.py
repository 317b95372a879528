"""The Mamat campaign as first published: French first, English complete.

Written from the facts gathered by the campaign (shared/campaign/FACTS.md) and nothing else.
`load_campaign` creates what is missing and never touches what staff have since edited.
"""

CAMPAIGN = {
    "slug": "liberez-mamat",
    "name": {"fr": "Libérez Mamat", "en": "Free Mamat"},
    "tagline": {
        "fr": "Un Ouïghour enfermé dans un camp du Xinjiang, sans nouvelles depuis quatre ans",
        "en": "A Uyghur man held in a Xinjiang camp, unheard of for four years",
    },
    "description": {
        "fr": (
            "Mamat, un Ouïghour du Xinjiang, est détenu dans un camp d'internement chinois. "
            "Sa famille est sans nouvelles. Exigez sa libération immédiate."
        ),
        "en": (
            "Mamat, a Uyghur man from Xinjiang, is held in a Chinese internment camp. "
            "His family has no news of him. Demand his immediate release."
        ),
    },
    "share_image_alt": {
        "fr": "«\u202fLibérez Mamat\u202f» en lettres blanches sur fond bleu",
        "en": "“Free Mamat” in white letters on a blue background",
    },
    "share_text": {
        "fr": (
            "Mamat, un Ouïghour, a disparu dans un camp du Xinjiang. Exigeons sa libération\u202f:"
        ),
        "en": "Mamat, a Uyghur man, has disappeared into a Xinjiang camp. Demand his release:",
    },
}

CASE_BODY_FR = """
<h2>Qui est Mamat\u202f?</h2>
<p>Mamat est un Ouïghour de la région autonome ouïghoure du Xinjiang, dans le nord-ouest de la
Chine. Il y a environ quatre ans, le gouvernement chinois l'a enfermé dans un camp d'internement.
Depuis, il n'en est pas sorti.</p>
<h2>Une peine de 16 ou 17 ans</h2>
<p>La seule information parvenue à sa famille est celle de sa peine\u202f: 16 ou 17 années
d'enfermement. Tout indique qu'il est puni pour sa pratique religieuse et pour être resté en
contact avec son frère, qui vit à l'étranger. Ni l'une ni l'autre ne sont des crimes.</p>
<h2>Disparu pour les siens</h2>
<p>Depuis son arrestation, ses proches n'ont reçu aucune nouvelle de lui. Ils ne savent ni où il se
trouve, ni dans quelles conditions il est détenu. Mamat est victime d'une
<strong>disparition forcée</strong>.</p>
<h2>Malade, et privé de soins</h2>
<p>Mamat souffre de troubles mentaux. Dans le camp, il n'a pas accès aux soins dont il a besoin.
Chaque mois qui passe met sa santé un peu plus en danger.</p>
<h2>Son frère Abdulaziz ne renonce pas</h2>
<p>Abdulaziz, le frère de Mamat, vit à l'étranger. Il se bat pour que le sort de Mamat ne tombe
pas dans l'oubli, et il a besoin que nous soyons nombreux à ses côtés.</p>
<h2>Ce que nous demandons</h2>
<ul>
<li>la libération immédiate de Mamat\u202f;</li>
<li>son accès, sans attendre, à des soins médicaux adaptés\u202f;</li>
<li>que sa famille soit informée du lieu et des conditions de sa détention.</li>
</ul>
"""

CASE_BODY_EN = """
<h2>Who is Mamat?</h2>
<p>Mamat is a Uyghur man from the Xinjiang Uyghur Autonomous Region, in north-west China. About
four years ago the Chinese government locked him up in an internment camp. He has not come out
since.</p>
<h2>A sentence of 16 or 17 years</h2>
<p>The only news that reached his family was his sentence: 16 or 17 years of confinement.
Everything suggests that he is being punished for practising his religion and for staying in touch
with his brother, who lives abroad. Neither is a crime.</p>
<h2>Disappeared from his family</h2>
<p>Since his arrest his relatives have heard nothing from him. They do not know where he is held
or in what conditions. Mamat is the victim of an <strong>enforced disappearance</strong>.</p>
<h2>Ill, and denied care</h2>
<p>Mamat suffers from mental illness. In the camp he has no access to the care he needs. Every
month that passes puts his health in greater danger.</p>
<h2>His brother Abdulaziz will not give up</h2>
<p>Abdulaziz, Mamat's brother, lives abroad. He is fighting so that Mamat is not forgotten, and he
needs many of us at his side.</p>
<h2>What we demand</h2>
<ul>
<li>Mamat's immediate release;</li>
<li>access, without delay, to the medical care he needs;</li>
<li>that his family be told where and in what conditions he is held.</li>
</ul>
"""

DETENTIONS_BODY_FR = """
<p>Mamat n'est pas un cas isolé. Au Xinjiang, des centaines de milliers de personnes issues de
minorités ethniques musulmanes ont été arrachées à leur famille et envoyées dans des camps
d'internement. Leur nombre pourrait dépasser le million.</p>
<h2>Traités en «\u202fextrémistes\u202f» pour leur foi</h2>
<p>Posséder un Coran ou un tapis de prière, aller à la mosquée\u202f: des gestes ordinaires de la
vie religieuse suffisent à être considéré comme un «\u202fextrémiste\u202f» et à être enfermé.</p>
<h2>Des familles séparées</h2>
<p>Derrière chaque détention, il y a une famille qui attend, souvent sans savoir où se trouve la
personne arrêtée ni ce qu'il advient d'elle. Des proches installés à l'étranger, comme Abdulaziz,
ne peuvent que témoigner et alerter.</p>
<h2>Des crimes contre l'humanité</h2>
<p>Des enquêtes ont réuni des éléments qui attestent de crimes s'apparentant à des crimes contre
l'humanité\u202f: des violations généralisées et systématiques visant plusieurs minorités, en
premier lieu les minorités musulmanes, Ouïghours, Kazakhs et Ouzbeks.</p>
"""

DETENTIONS_BODY_EN = """
<p>Mamat is not an isolated case. In Xinjiang, hundreds of thousands of people from Muslim ethnic
minorities have been taken from their families and sent to internment camps. Their number could
exceed one million.</p>
<h2>Treated as “extremists” for their faith</h2>
<p>Owning a Quran or a prayer mat, going to the mosque: ordinary acts of religious life are
enough to be labelled an “extremist” and locked up.</p>
<h2>Families torn apart</h2>
<p>Behind every detention there is a family waiting, often without knowing where the person was
taken or what has become of them. Relatives who live abroad, like Abdulaziz, can only bear witness
and raise the alarm.</p>
<h2>Crimes against humanity</h2>
<p>Investigations have gathered evidence of crimes that amount to crimes against humanity:
widespread and systematic violations against several minorities, the Muslim minorities first of
all: Uyghurs, Kazakhs and Uzbeks.</p>
"""

CAMPS_BODY_FR = """
<p>Officiellement, les autorités chinoises parlent de centres de «\u202ftransformation par
l'éducation\u202f». Le but affiché est un endoctrinement politique, au service d'une assimilation
culturelle forcée\u202f: faire des peuples du Xinjiang une nation chinoise homogène.</p>
<h2>Enfermement, persécution, torture</h2>
<p>Dans ces camps, des personnes sont enfermées contre leur gré, persécutées et torturées. Tout
cela se passe à l'abri des regards\u202f: très peu d'images en sont jamais sorties.</p>
<h2>Briser le silence</h2>
<p>Parce que les camps sont fermés au monde, chaque témoignage et chaque nom comptent. Faire
connaître le sort de Mamat, c'est refuser que ce qui s'y passe reste invisible.</p>
"""

CAMPS_BODY_EN = """
<p>Officially, the Chinese authorities call them “transformation through education” centres. The
stated aim is political indoctrination in the service of forced cultural assimilation: to turn the
peoples of Xinjiang into one homogeneous Chinese nation.</p>
<h2>Confinement, persecution, torture</h2>
<p>In these camps people are held against their will, persecuted and tortured. It all happens far
from view: very few images have ever come out.</p>
<h2>Breaking the silence</h2>
<p>Because the camps are closed to the world, every testimony and every name counts. Making
Mamat's fate known is refusing to let what happens there stay invisible.</p>
"""

PRIVACY_BODY_FR = """
<p>Certaines personnes qui soutiennent cette campagne ont de la famille au Xinjiang, qui pourrait
subir des représailles. La protection de vos données n'est donc pas une option\u202f: c'est la base
de ce site.</p>
<h2>Ce que ce site ne fait jamais</h2>
<ul>
<li>Il ne charge rien depuis d'autres serveurs\u202f: ni statistiques de visite, ni publicité, ni
polices ou vidéos externes. Votre visite n'est connue que de nous.</li>
<li>Il ne dépose aucun cookie de suivi.</li>
<li>Il n'enregistre pas votre adresse IP\u202f: seule une empreinte chiffrée, qui ne permet pas de
la retrouver, sert à repérer les abus.</li>
</ul>
<h2>Vos droits</h2>
<p>Vous pouvez à tout moment retirer votre signature et faire effacer vos données grâce au lien
présent dans chaque e-mail que nous vous envoyons, ou en nous écrivant. Vous disposez aussi d'un
droit d'accès et de rectification, et du droit de saisir l'autorité de protection des données de
votre pays.</p>
<p>Vos données effacées disparaissent aussitôt du site. Les copies de sécurité de la base, qui
les contiennent encore, sont détruites au plus tard cinq semaines après ; si l'une d'elles devait
servir, votre effacement serait appliqué de nouveau avant la remise en ligne.</p>
"""

PRIVACY_BODY_EN = """
<p>Some of the people who support this campaign have relatives in Xinjiang who could face
reprisals. Protecting your data is therefore not an option: it is the foundation of this site.</p>
<h2>What this site never does</h2>
<ul>
<li>It loads nothing from other servers: no visitor statistics, no advertising, no external fonts
or videos. Only we know that you visited.</li>
<li>It sets no tracking cookie.</li>
<li>It does not record your IP address: only a keyed fingerprint, from which the address cannot be
recovered, is used to detect abuse.</li>
</ul>
<h2>Your rights</h2>
<p>You can withdraw your signature and have your data erased at any time, with the link in every
email we send you, or by writing to us. You also have the right to access and correct your data,
and to complain to the data protection authority of your country.</p>
<p>Once erased, your data is gone from the site at once. The safety copies of the database that
still hold it are destroyed within five weeks at most; if one of them ever had to be used, your
erasure would be applied again before the site came back.</p>
"""

LEGAL_BODY_FR = """
<p>Ce site est publié dans le cadre de la campagne pour la libération de Mamat. Les textes sont
ceux de la campagne\u202f; ils peuvent être partagés pour la faire connaître.</p>
"""

LEGAL_BODY_EN = """
<p>This site is published by the campaign for Mamat's release. The texts are the campaign's own;
you are welcome to share them to make his case known.</p>
"""

CONTACT_BODY_FR = """
<p>Vous soutenez Mamat, vous êtes journaliste, vous représentez une association ou une
institution\u202f: écrivez-nous. Nous répondons aux demandes d'information, d'entretien et de
partenariat.</p>
<p>Si votre famille ou vos proches risquent des représailles, ne nous donnez que ce qui est
nécessaire\u202f; nous ne publions jamais le nom de quelqu'un qui nous écrit sans son accord.</p>
"""

CONTACT_BODY_EN = """
<p>You support Mamat, you are a journalist, or you speak for an organisation or an institution:
write to us. We answer requests for information, interviews and partnerships.</p>
<p>If your family or relatives could face reprisals, give us only what is needed; we never publish
the name of someone who writes to us without their consent.</p>
"""

PAGES = [
    {
        "slug": "mamat",
        "kind": "case",
        "position": 0,
        "title": {"fr": "Libérez Mamat", "en": "Free Mamat"},
        "menu_title": {"fr": "Mamat", "en": "Mamat"},
        "lead": {
            "fr": (
                "Mamat, un Ouïghour du Xinjiang, est enfermé depuis environ quatre ans dans un "
                "camp d'internement chinois. Sa famille ne sait même pas où il se trouve."
            ),
            "en": (
                "Mamat, a Uyghur man from Xinjiang, has been locked up in a Chinese internment "
                "camp for about four years. His family does not even know where he is."
            ),
        },
        "body": {"fr": CASE_BODY_FR, "en": CASE_BODY_EN},
        "seo_title": {
            "fr": "Libérez Mamat, Ouïghour disparu dans un camp du Xinjiang",
            "en": "Free Mamat, a Uyghur disappeared into a Xinjiang camp",
        },
        "calls_to_action": ["sign", "demand_care", "demand_information", "share"],
    },
    {
        "slug": "xinjiang",
        "kind": "context",
        "position": 10,
        "title": {
            "fr": "Une vague de détentions arbitraires au Xinjiang",
            "en": "A wave of arbitrary detention in Xinjiang",
        },
        "menu_title": {"fr": "Les détentions au Xinjiang", "en": "Detention in Xinjiang"},
        "lead": {
            "fr": (
                "Des centaines de milliers de Ouïghours et d'autres musulmans, peut-être plus "
                "d'un million, ont été séparés de leur famille et internés."
            ),
            "en": (
                "Hundreds of thousands of Uyghurs and other Muslims, perhaps more than a million, "
                "have been separated from their families and interned."
            ),
        },
        "body": {"fr": DETENTIONS_BODY_FR, "en": DETENTIONS_BODY_EN},
        "calls_to_action": ["sign", "share"],
    },
    {
        "slug": "camps",
        "kind": "context",
        "position": 20,
        "title": {"fr": "Les camps et la torture", "en": "The camps and torture"},
        "menu_title": {"fr": "Les camps", "en": "The camps"},
        "lead": {
            "fr": (
                "Derrière le nom de centres de «\u202ftransformation par l'éducation\u202f»\u202f: "
                "l'endoctrinement, l'enfermement forcé et la torture, loin des regards."
            ),
            "en": (
                "Behind the name “transformation through education” centres: indoctrination, "
                "forced confinement and torture, far from view."
            ),
        },
        "body": {"fr": CAMPS_BODY_FR, "en": CAMPS_BODY_EN},
        "calls_to_action": ["sign", "share"],
    },
    {
        "slug": "contact",
        "kind": "contact",
        "position": 80,
        "title": {"fr": "Contact et presse", "en": "Contact and press"},
        "menu_title": {"fr": "Contact et presse", "en": "Contact and press"},
        "lead": {
            "fr": "Pour les soutiens, les journalistes et les organisations.",
            "en": "For supporters, journalists and organisations.",
        },
        "body": {"fr": CONTACT_BODY_FR, "en": CONTACT_BODY_EN},
        "calls_to_action": [],
    },
    {
        "slug": "privacy",
        "kind": "privacy",
        "position": 90,
        "title": {"fr": "Politique de confidentialité", "en": "Privacy policy"},
        "menu_title": {"fr": "Confidentialité", "en": "Privacy"},
        "lead": {
            "fr": "Ce que nous faisons de vos données, et surtout ce que nous n'en faisons pas.",
            "en": "What we do with your data, and above all what we never do.",
        },
        "body": {"fr": PRIVACY_BODY_FR, "en": PRIVACY_BODY_EN},
        "calls_to_action": [],
    },
    {
        "slug": "legal",
        "kind": "legal_notice",
        "position": 91,
        "title": {"fr": "Mentions légales", "en": "Legal notice"},
        "menu_title": {"fr": "Mentions légales", "en": "Legal notice"},
        "lead": {"fr": "", "en": ""},
        "body": {"fr": LEGAL_BODY_FR, "en": LEGAL_BODY_EN},
        "calls_to_action": [],
    },
]

# Each call leads somewhere of its own: the sign box and the share panel are sections of the
# page; the demands lead to the petition, one to its demand explained.
PETITION_URL = "/petition/liberez-mamat/"
DEMAND_URL = f"{PETITION_URL}#demand"
CALLS_TO_ACTION = [
    {
        "kind": "sign",
        "title": {"fr": "Signez la pétition", "en": "Sign the petition"},
        "text": {
            "fr": (
                "Exigez des autorités chinoises la libération immédiate de Mamat. "
                "Votre nom ne sera transmis que si vous le choisissez."
            ),
            "en": (
                "Demand that the Chinese authorities release Mamat immediately. "
                "Your name is passed on only if you choose so."
            ),
        },
        "button_label": {"fr": "Je signe", "en": "Sign now"},
        "url": {"fr": "", "en": ""},
    },
    {
        "kind": "demand_care",
        "title": {"fr": "Exigez qu'il soit soigné", "en": "Demand care for him"},
        "text": {
            "fr": (
                "Mamat souffre de troubles mentaux et n'est pas soigné. Demandez qu'il ait accès "
                "sans délai à des soins médicaux adaptés."
            ),
            "en": (
                "Mamat suffers from mental illness and gets no proper care. Demand that he has "
                "access to adequate medical care without delay."
            ),
        },
        "button_label": {"fr": "Lire notre demande", "en": "Read our demand"},
        "url": {"fr": DEMAND_URL, "en": f"/en{DEMAND_URL}"},
    },
    {
        "kind": "demand_information",
        "title": {
            "fr": "Exigez des nouvelles pour sa famille",
            "en": "Demand news for his family",
        },
        "text": {
            "fr": (
                "Ses proches ignorent où et dans quelles conditions il est détenu. Ils ont le "
                "droit de savoir."
            ),
            "en": (
                "His relatives do not know where or in what conditions he is held. They have a "
                "right to know."
            ),
        },
        "button_label": {"fr": "Voir la pétition", "en": "See the petition"},
        "url": {"fr": PETITION_URL, "en": f"/en{PETITION_URL}"},
    },
    {
        "kind": "share",
        "title": {"fr": "Faites connaître son histoire", "en": "Share his story"},
        "text": {
            "fr": "Plus nous serons nombreux, plus sa voix portera. Partagez cette page.",
            "en": "The more of us there are, the further his voice carries. Share this page.",
        },
        "button_label": {"fr": "Partager", "en": "Share"},
        "url": {"fr": "", "en": ""},
    },
]
