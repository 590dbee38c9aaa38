"""The cue words of partnership events, Indonesian and English: kinds, statuses, roles."""

from __future__ import annotations

import re


def _words(pattern: str) -> re.Pattern[str]:
    """A case-insensitive alternation of whole words (each may be a regex).

    Indonesian "-nya" ("its") is allowed after each: "usulannya", "kunjungannya".
    """
    return re.compile(rf"(?<![\w-])(?:{pattern})(?:nya)?(?![\w-])", re.IGNORECASE)


# Phrases that hold a kind's word without being about that kind ("rezim militer" is the junta,
# "gencatan senjata" a ceasefire): matched first, they hide their words from the kind cues.
NEUTRAL = _words(
    r"rezim militer|junta(?: militer)?|pemerintahan militer|"
    r"(?:perusahaan )?militer swasta|military (?:junta|regime)|"
    r"private military(?: company)?|dewan keamanan (?:pbb|perserikatan bangsa-bangsa)|"
    r"(?:un )?security council|tentara bayaran|mercenar(?:y|ies)|dolar|dollars?|"
    r"perang nuklir|nuclear war|(?:laga|pertandingan|uji coba) persahabatan|friendly match"
)
# Kind cues in the order they are matched: the first kind to match a phrase takes it.
KIND_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "diplomatic",
        _words(
            r"diplomati[ck]\w*|diplomasi|diplomacy|politik|political|politics|"
            r"kemitraan strategis(?: komprehensif)?|strategic partnership|kedutaan(?: besar)?|"
            r"embass(?:y|ies)|konsulat(?: jenderal)?|consulates?|duta besar|dubes|ambassadors?|"
            r"ktt|summits?|kunjungan kenegaraan|state visit|gencatan senjata|ceasefire|"
            r"mediasi|mediator|penengah|menengahi|mediat\w+|perundingan damai|peace talks|"
            r"perdamaian|peace"
        ),
    ),
    (
        "nuclear",
        _words(
            r"(?:senjata |tenaga |energi |teknologi )?nuklir|nuclear(?: weapons?| power)?|pltn|"
            r"reaktor|reactors?|uranium|rosatom|atom"
        ),
    ),
    (
        "space",
        _words(
            r"antariksa|luar angkasa|ruang angkasa|satelit|satellites?|roscosmos|kosmonaut\w*|"
            r"cosmonauts?|astronot|astronauts?|outer space|space (?:cooperation|exploration|"
            r"station|programme|program|agency|launch)|peluncuran roket|rocket launch"
        ),
    ),
    (
        "arms",
        _words(
            r"(?:kerja sama )?(?:teknis[- ]militer|militer[- ]teknis)|military[- ]technical|"
            r"senjata|persenjataan|dipersenjatai|alutsista|rudal|misil|missiles?|"
            r"(?:jet|pesawat) tempur|fighter (?:jets?|aircraft)|helikopter\w*|helicopters?|"
            r"tank|tanks|drone|drones|nirawak|uavs?|amunisi|ammunition|munitions?|artileri|"
            r"artillery|peluru|s-[34]00|su-\d+|sukhoi|mig-\d+|pantsir(?: s-1)?|iskander|"
            r"kalashnikov|arms|weapons?|weaponry|rosoboronexport|rostec|"
            r"peralatan (?:militer|tempur|perang)|military (?:equipment|hardware)|"
            r"sistem pertahanan (?:udara|rudal)|air defen[cs]e|kapal selam|submarines?"
        ),
    ),
    (
        "security",
        _words(
            r"keamanan|security|intelijen|intelligence|terorisme|teroris|terrorism|terrorists?|"
            r"kontra-?terorisme|counter-?terrorism|ekstremisme|extremism|polisi|kepolisian|police|"
            r"penegakan hukum|law enforcement|siber|cyber|dewan keamanan"
        ),
    ),
    (
        "military",
        _words(
            r"militer\w*|military|pertahanan|defen[cs]e|tentara|pasukan|troops?|soldiers?|"
            r"prajurit|latihan(?: militer| bersama| gabungan| perang)?|exercises?|drills?|"
            r"angkatan (?:bersenjata|darat|laut|udara)|armed forces|army|navy|naval|"
            r"panglima|zeni|sappers?|kapal perang|warships?|pangkalan(?: militer)?"
        ),
    ),
    (
        "economic",
        _words(
            r"ekonomi|economic|economy|perdagangan(?: bebas)?|dagang|trade|investasi|investor|"
            r"invest\w*|berinvestasi|bisnis|business\w*|energi|energy|minyak|oil|gas|lng|"
            r"impor|ekspor|mengimpor|mengekspor|imports?|exports?|importing|exporting|pasar|"
            r"markets?|free trade|fta|tarif|tariffs?|pertanian|agricultur\w*|gandum|wheat|"
            r"pupuk|fertili[sz]ers?|pangan|food|penerbangan(?: langsung)?|flights?|pariwisata|"
            r"turis|wisatawan|touris[mt]s?|perbankan|bank|keuangan|financ\w*|pembayaran|"
            r"payments?|mata uang|currenc\w+|industri\w*|industr\w*|infrastruktur|"
            r"infrastructure|pelabuhan|ports?|kereta api|railways?|manufaktur|komoditas|"
            r"commodit\w+|forum ekonomi|economic forum|spief|kilang|refiner\w+|batu bara|coal|"
            r"nikel|nickel|tambang|pertambangan|mining|galangan kapal|shipbuilding|logistik|"
            r"logistics"
        ),
    ),
)
# Contact between officials: diplomatic, unless defence or security officials meet.
MEETING = _words(
    r"bertemu|pertemuan|menemui|met|meets?|meeting|\w*kunjung\w*|visit\w*|lawatan|tiba|"
    r"arriv\w+|menyambut|disambut|welcom\w*|menjamu|pembicaraan|berbicara|talks|\w*telepon\w*|"
    r"phone|called|ktt|summits?"
)
# A partnership needs an action or relation between the two: one of these, or a kind cue
# that is itself a relation (trade, supply, an exercise, a summit).
RELATION = _words(
    r"kerja ?sama|bekerja ?sama|kerjasama|cooperat\w*|collaborat\w*|kolaborasi|bertemu|"
    r"pertemuan|menemui|met|meets?|meeting|\w*kunjung\w*|visit\w*|tiba|konferensi|conferences?|"
    r"forum|"
    r"arriv\w+|menyambut|disambut|welcom\w*|menjamu|pembicaraan|berbicara|membahas|dibahas|"
    r"dialog|perundingan|berunding|negosiasi|negotiat\w+|talks|\w*telepon\w*|phone|called|"
    r"perjanjian|kesepakatan|sepakat|bersepakat|menyepakati|disepakati|setuju|agree\w*|"
    r"deal|deals|treaty|pakta|pact|nota kesepahaman|mou|memorandum|menandatangani|"
    r"ditandatangani|penandatanganan|meneken|signed|signing|kemitraan|mitra|partner\w*|"
    r"sekutu|aliansi|ally|allies|alliance|hubungan|relations|ties|bilateral|dukung\w*|"
    r"mendukung|support\w*|backs|backed|backing|bantuan|membantu|dibantu|aid|assist\w*|"
    r"help\w*|tawar\w*|menawarkan|offer\w*|mengundang|undangan|diundang|invit\w+|usulan|"
    r"proposals?|mengirim|mengirimkan|dikirim|pengiriman|send\w*|sent|memasok|pasokan|"
    r"dipasok|supply|supplie[sd]|supplying|membeli|pembelian|dibeli|bought|buy\w*|purchas\w+|"
    r"menjual|penjualan|dijual|sell\w*|sold|menyerahkan|diserahkan|menghadiahkan|hadiah|"
    r"gifts?|menyediakan|disediakan|"
    r"provid\w+|persahabatan|"
    r"friendship|sahabat|memperkuat|strengthen\w*|memperluas|expand\w*|mempererat|"
    r"menjalin|deepen\w*|bersama|joint|menghadiri|hadir (?:dalam|di|pada)|ktt|summits?|"
    r"attend\w*|berperang untuk|fight\w* for|perjalanan|trip|bertukar|exchang\w+|"
    r"terima kasih|thank\w*|perdagangan|trade|investasi|investment|\w*ekspor\w*|\w*impor\w*|"
    r"export\w*|import\w*|mengakui|pengakuan|recogni[sz]\w*|mediat\w*|mediator|penengah|"
    r"menengahi|pemasok|suppliers?"
)
# Relation words too weak to carry a sentence that is hostile.
WEAK_RELATION = _words(r"hubungan|relations|ties|bilateral|bersama|joint")
HOSTILE = _words(
    r"tegang|ketegangan|memburuk|buruk|putus|renggang|bermusuhan|musuh|tensions?|worsen\w*|"
    r"hostil\w+|enem(?:y|ies)"
)

ALLEGED = _words(
    r"dituduh|menuduh|tuduhan|diduga|dugaan|disebut-sebut|disebut|diklaim|mengklaim|klaim|"
    r"membantah|dibantah|bantahan|menyangkal|reportedly|allegedly|alleged\w*|accus\w+|"
    r"den(?:y|ies|ied)|suspect\w*|claim\w*|dikabarkan|kabarnya|rumou?red|mungkin|kemungkinan|"
    r"possibly|may have|might have"
)
SIGNED = _words(
    r"menandatangani|ditandatangani|penandatanganan|meneken|diteken|tanda tangan|signed|signing"
)
AGREED = _words(
    r"sepakat|bersepakat|menyepakati|disepakati|kesepakatan|setuju|menyetujui|disetujui|"
    r"agreed|agrees|agreement"
)
PLANNED = _words(
    r"akan|bakal|berencana|rencana\w*|merencanakan|direncanakan|dijadwalkan|jadwal|hendak|"
    r"siap|ingin|berharap|harapan|diharapkan|menawarkan|tawaran|ditawarkan|mengundang|"
    r"undangan|menargetkan|ditargetkan|target|will|plans?|planned|planning|scheduled|"
    r"expected|intends?|offer(?:s|ed)?|invit\w+|proposed|upcoming|mendatang|mengajak"
)

# Words that make a country the theatre, target or enemy of what follows it: "perang di
# Ukraina", "serangan Israel terhadap Iran", "invasi Rusia", "sanksi AS".
WAR = (
    r"(?:(?<!kapal )(?<!tahanan )(?<!tawanan )perang|berperang|pertempuran|konflik|invasi|"
    r"menginvasi|agresi|serangan|menyerang|kekhawatiran|keprihatinan|melawan|"
    r"diserang|menyerbu|mengebom|gempuran|menggempur|sanksi|embargo|kecaman|mengecam|"
    r"mengutuk|kritik|membunuh|pembunuhan|dibunuh)(?:nya)?|war|invasion|invad\w+|aggression|"
    r"attacks?|attacked|strikes?|struck|bombing|offensive|conflict|sanctions?|condemnation|"
    r"concerns?|kill\w*|assassinat\w*|against"
)
WAR_BEFORE = re.compile(
    rf"(?<![\w-])(?:{WAR})(?:\s+(?:udara|rudal|militer|besar-besaran|air|missile))?"
    r"(?:\s+(?:\w+\s+){0,2}?(?:di|ke|terhadap|atas|melawan|dengan|antara|in|on|against|into|"
    r"with|between|upon|oleh|by))?(?:\s+(?-i:[A-Z])[\w-]*){0,3}\s*"
    r"(?:[\w.]+(?:\s+(?:dan|and|vs\.?)\s+|\s*[,/–-]\s*))?$",
    re.IGNORECASE,
)
# "Israel melancarkan serangan", "AS yang memberikan sanksi"; not "berperang untuk Rusia".
WAR_AFTER = re.compile(
    rf"^\s*(?:\([^)]*\))?[\s)]*(?:(?!(?:untuk|dalam|di|ke|setelah|sejak|usai|sebelum|selama|for|in|to|into|after|since|before|during)\s)[\w-]+\s+){{0,3}}?(?:{WAR})(?![\w-])"
    r"(?!\s+(?:untuk|bersama|demi|for|alongside)\b)",
    re.IGNORECASE,
)
# A country that criticises is never a partner in that sentence ("Israel mengecam …").
CRITICISES_AFTER = re.compile(
    r"^\s*(?:(?:dan|and|,)\s+[\w.-]+(?:\s+[\w.-]+)?\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:mengecam|mengkritik|menuduh|mengutuk|memperingatkan|memprotes|menentang|khawatir|"
    r"criticised|criticized|condemned|condemns|accused|accuses|warned|warns|protested|"
    r"opposed|worried)\b",
    re.IGNORECASE,
)
# One that says something is no partner when the sentence names another ("AS mengatakan Iran
# memasok rudal ke Moskow"), or when a statement is attributed to it ("kata Seoul").
SAYS_AFTER = re.compile(
    r"^\s*(?:(?:dan|and|,)\s+[\w.-]+(?:\s+[\w.-]+)?\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:mengatakan|berkata|menyatakan|menilai|menyebut|mengklaim|menegaskan|"
    r"berpendapat|said|says|say|stated|claimed|claims|believes?|argued)\b"
    r"(?!\s+(?:kepada|pada|to)\b)",
    re.IGNORECASE,
)
_ATTRIBUTION = (
    r"(?:\bkata|\bujar|\bucap|\bmenurut|\baccording to|[,”\"]\s*(?:said|says)|\bdikutip(?: dari)?|"
    r"\bmelansir|\bdilansir(?: dari)?|\bmengutip)"
)
ATTRIBUTION_BEFORE = re.compile(rf"{_ATTRIBUTION}\s+(?:[\w.-]+\s+){{0,6}}?$", re.IGNORECASE)
# When a source was quoted or the news reported, which is later than the event itself:
# "dikutip Associated Press, Senin (19/9/2022)", "pada hari Rabu (17/8) melaporkan".
QUOTED_BEFORE = re.compile(rf"{_ATTRIBUTION}\s+(?:[\w.-]+,?\s+){{0,6}}?$", re.IGNORECASE)
REPORTED_AFTER = re.compile(
    r"^\s*(?:melaporkan|mengatakan|menyatakan|mengumumkan|menyebutkan|menjelaskan|"
    r"reported|said|announced|told)\b",
    re.IGNORECASE,
)
# A date of the war, not of the partnership: "usai Rusia menginvasi Ukraina pada akhir Februari".
WAR_DATE_BEFORE = re.compile(rf"(?<![\w-])(?:{WAR})\s+(?:\S+\s+){{0,4}}$", re.IGNORECASE)
# What is talked about is no partner: "membahas Suriah", "soal Ukraina", "situasi di Gaza".
TOPIC_BEFORE = re.compile(
    r"(?<![\w-])(?:membahas|dibahas|bahas|tentang|mengenai|soal|terkait|perihal|about|"
    r"regarding|discuss(?:ed|es)?|(?:situasi|krisis|isu|masalah|situation|crisis) (?:di|in))\s+$",
    re.IGNORECASE,
)
# An attribute, not an actor: "presiden paling pro-Israel".
ATTRIBUTE_BEFORE = re.compile(r"(?:pro|anti)-$", re.IGNORECASE)
# "di Moskow", and the places that follow it: "di Istana Konstantinovsky, St. Petersburg, Rusia".
VENUE_BEFORE = re.compile(
    r"(?<![\w-])(?:di|in|at)\s+(?:(?:(?-i:[A-Z])[\w.'’-]*\s*){1,4},\s*){0,3}$", re.IGNORECASE
)
# What a country joins is no partner: "mendukung Indonesia menjadi anggota BRICS".
MEMBERSHIP_BEFORE = re.compile(
    r"(?<![\w-])(?:anggota|keanggotaan|bergabung|join\w*|members?|membership)"
    r"(?:\s+[\w-]+){0,4}?\s+$",
    re.IGNORECASE,
)
# Examples of something else ("negara-negara anggota EAEU, yakni Armenia, Belarus, …"), and
# others compared with ("jauh di bawah China dan AS").
LIST_START = re.compile(
    r"(?<![\w-])(?:yakni|yaitu|seperti(?: halnya)?|sebagaimana|termasuk|antara lain|misalnya|"
    r"namely|such as|including|like|(?:di)?bandingkan(?: dengan)?|dibanding(?: dengan)?|"
    r"daripada|ketimbang|di (?:bawah|atas)|than|compared (?:with|to)|behind|ahead of)\s+$",
    re.IGNORECASE,
)
LIST_JOIN = re.compile(r"^\s*(?:,|dan|and|serta|atau|or|&)?\s*(?:,|dan|and|serta|atau|or)?\s*$")
# Russia's co-actor is no partner when the two act on a third ("Rusia dan Tiongkok menambah
# pasokan senjata ke Teheran"), unless they act together ("latihan bersama dengan Iran").
CO_ACTOR_JOIN = re.compile(r"^\s*(?:,\s*(?:dan|and|serta)?|dan|and|serta|&)\s*$", re.IGNORECASE)
TOGETHER = _words(r"bersama|gabungan|trilateral|together|jointly|joint")
# Not the sentence's subject but where something happens: "di kedua negara".
PLACE_BEFORE_PRONOUN = re.compile(r"(?<![\w-])(?:di|ke|dari|in|to|from)\s+$", re.IGNORECASE)

# Subjects that point back at the two parties of the previous sentence.
PRONOUN = _words(
    r"keduanya|kedua (?:negara|pihak|pemimpin|presiden|menteri|kepala negara)|para pihak|"
    r"both (?:countries|sides|leaders|nations)|the two (?:countries|sides|leaders|nations)|"
    r"^(?:\W*\w+\s+){0,2}?(?:mereka|they|both)|selain itu|di samping itu|tak hanya itu|"
    r"tidak hanya itu|in addition|besides"
)
# Blocs Russia leads: a fact about them is one about Russia too (the Indonesia–EAEU trade pact).
RUSSIA_LED = frozenset({"EAEU", "CSTO", "CIS"})
# A later sentence that names a meeting or a deal again, and may say when it was
# ("Pertemuan tersebut berlangsung pada Senin (16/6)", "kedua pihak bertemu pada Selasa (16/8)").
MEETING_AGAIN = _words(
    r"(?:pertemuan|kunjungan|lawatan|pembicaraan|perundingan)(?:nya)? (?:itu|tersebut|ini)|"
    r"(?:the|that|this) (?:meeting|visit|talks)|"
    r"(?:keduanya|kedua (?:pihak|pemimpin|negara)|both sides|the two)(?: \w+){0,2} (?:bertemu|met)"
)
DEAL_AGAIN = _words(
    r"(?:kesepakatan|perjanjian|penandatanganan)(?:nya)? (?:itu|tersebut|ini)|"
    r"(?:the|that|this) (?:agreement|deal)"
)
# Never partners: Russia's war enemy (the guide: fighting, strikes, exchanges are no
# partnership) and forums Russia attends rather than partners with.
NOT_PARTNERS = frozenset({"Russia", "Ukraine", "United Nations", "G7", "G20"})

# Title words before a name: "Wakil Menteri Pertahanan Alexander Fomin".
TITLES = frozenset(
    "presiden wakil menteri perdana pertahanan luar negeri dalam jenderal kolonel mayor letnan "
    "laksamana marsekal senior ketua panglima tertinggi sekretaris dewan keamanan nasional duta "
    "besar dubes kepala direktur utama juru bicara jubir raja pangeran pemimpin koordinator "
    "bidang perekonomian perdagangan energi investasi sumber daya mineral kabinet gubernur "
    "wali kota komandan president prime minister foreign defence defense deputy secretary "
    "general colonel major chairman director ambassador spokesman spokesperson supreme leader "
    "commander chief mr mrs ms dr komisi kementerian kemlu dpr mpr partai fraksi anggota "
    "pak bapak ibu ayatullah menko menlu wamen menhan".split()
)
