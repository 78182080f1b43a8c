"""What callers say, by clinical finding: the colloquial Chinese and the English of each, as
patterns (variants and word orders), not as a flat list of words.

A finding is one observation ("chest pain", "can't get up", "missed dialysis"); `rules.py`
combines the findings that stand (after `context.py` has set aside the negated, past,
figurative and hypothetical ones) into clinical signs, grouped as dispatch protocols group
chief complaints (MPDS, the Manchester Triage System, 院前急救分级).
"""

import re
from dataclasses import dataclass, field

from linli.ledger.triage.gate import required_pieces
from linli.ledger.triage.medicines import NAMES as VITAL_NAMES

# Between a body part and what it does, up to four characters, none of them a negation or a
# clause break: 胸口有点疼, 胸口这里疼, but not 胸口不疼.
G = r"[^不没无未非,，。;；!！?？\n]{0,4}?"
# In English, up to three words, none of them a negation.
GE = r"(?:(?!not\b|no\b|never\b)[\w']+\W+){0,3}?"
PERSON = r"(?:his|her|my|the|their|your|our|mum's|mom's|dad's)"


@dataclass(frozen=True)
class Finding:
    code: str
    pattern: re.Pattern[str]
    # A disease's name rather than a symptom: "…后", "有…", "…的老人" make it a standing condition.
    disease: bool = False
    # Worry and hypotheticals ("怕他想不开") do not set it aside: a relative's fear is the sign.
    worry_counts: bool = False
    # Pieces of which any match holds one (`gate.pieces`): a text with none is not searched.
    gate: frozenset[str] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "gate", required_pieces(self.pattern))


def _f(code: str, *alternatives: str, disease: bool = False, worry_counts: bool = False) -> Finding:
    return Finding(code, re.compile("|".join(alternatives)), disease, worry_counts)


CHEST = r"(?:胸口|胸前|胸部|前胸|左胸|胸|心口|心窝|心脏|心前区)"
# 同 and 通 for 痛: what voice input writes.
ACHE = r"(?:同(?=\s|$|[,，。])|通(?=\s|$|[,，。])|痛|疼|闷|憋|紧|压着|压得|绞|刺|揪|堵|难受|不舒服|发紧|发闷)"
LIMB = r"(?:手|脚|胳膊|胳臂|腿|身子|身体|脸|边)"
WEAK = r"(?:冇晒力|冇得力气|没得力气|冇力气|冇力|郁唔到|唔郁得|动不了|不能动|没劲|没有劲|没力气?|没有力气?|无力|麻|发麻|抬不起来?|不听使唤|没知觉|没有知觉|使不上劲)"
DRUGS = (
    r"(?:"
    + VITAL_NAMES
    + r"|药|胰岛素|降压药|降糖药|药片|药物|喷雾|吸入剂|喷剂|针剂|氧气|华法林|阿司匹林|二甲双胍|硝苯地平|氨氯地平|倍他乐克|硝酸甘油|速效救心丸|抗凝药|激素|泼尼松|优甲乐|丙戊酸|卡马西平|美多芭|左旋多巴)"
)
PREGNANT = r"(?:(?:i'?m|she'?s|she is|i am|at|now) \d{1,2} weeks\b(?! old| ago)|孕?\d{1,2}周(?!岁)|怀孕|孕妇|孕期|孕晚期|孕早期|孕\d+周|怀了|怀着|有孕|身孕|pregnan\w*|expecting a baby|weeks pregnant|due date|预产期)"

FINDINGS: list[Finding] = [
    # Chest pain and the heart.
    _f("chest_pain",
       CHEST + G + ACHE, r"(?:痛|疼)(?:在|到)" + CHEST, r"心绞痛|压榨样|憋得慌|憋得难受",
       CHEST + r"[^,，。]{0,4}(?:像|好像|跟)[^,，。]{0,8}(?:压|堵|绑|勒|捏|揪|攥|扎)", r"(?:疼|痛)(?:得)?(?:牵扯|放射|窜|连|到|向|往)(?:到)?(?:左)?(?:胳膊|手臂|下巴|下颌|后背|肩)",
       r"heart\W+" + GE + r"(?:hurt\w*|pain\w*|aching)|pain\W+" + GE + r"(?:go(?:es|ing)?|spread\w*|radiat\w*|mov\w*) (?:up |down )?(?:to|into) (?:his|her|my|the) (?:jaw|left arm|arm|neck)", r"chest\W+" + GE + r"(?:pain|pains|pian|hurt\w*|ache\w*|aching|tight\w*|pressure|heav\w+|squeez\w*|crush\w*|burning)",
       r"(?:pain|pressure|tightness|squeezing|heaviness|ache)\s+(?:in|on|across)\s+" + PERSON + r"?\s*chest",
       r"\bangina\b|cardiac pain"),
    _f("heart_event", r"心梗|心肌梗(?:死|塞)?|心脏病(?:犯|发作|又犯)|心脏(?:骤停|停跳)|heart attack|\bmi\b", disease=True),
    _f("radiating", r"(?:左臂|左胳膊|左手臂|胳膊|下巴|下颌|后背|左肩|肩膀)" + G + r"(?:麻|痛|疼|酸)",
       r"(?:left arm|jaw)\W+" + GE + r"(?:pain|hurt\w*|numb|ache\w*)", r"(?:pain|ache)\W+" + GE + r"(?:arm|jaw)"),
    _f("sweating", r"(?:出|冒|一身|满头|浑身)(?:冷)?汗|大汗|冷汗|cold sweat|sweat\w*|clammy"),
    _f("palpitations", r"心慌|心悸|心跳" + G + r"(?:快|乱|厉害|不齐|咚咚|漏跳|停跳)|脉(?:搏)?(?:也)?不齐|palpitation\w*|heart\W+" + GE + r"(?:racing|pounding|fluttering|beating fast)|irregular heart ?beat"),
    # Breathing.
    _f("breath_severe",
       r"喘不(?:上|过|动|了|赢)(?:气|来)?|坐起(?:来)?(?:都|才能)?(?:在)?喘|(?:气|呼吸)\S{0,2}喘不(?:上|过)来?|上不来气|气上不来|喘不上来|透不过气|出不来气|喘不过来",
       r"呼吸(?:很|非常|特别|好)?(?:困难|急促|费劲|费力|不上来|急|快|粗)|喘气\S{0,2}(?:费劲|费力|困难|吃力)|躺不下|不能平躺|没法躺|一躺(?:下)?就喘|坐着(?:才能)?(?:喘|呼吸)|(?:呛|噎|卡)(?:到|住)(?:了)?\S{0,6}(?:紫|青|咳不出|说不出|喘不)|咳不出(?:声|来)|卡(?:在)?(?:喉咙|嗓子)|噎住|没法呼吸|不能呼吸|无法呼吸|憋气|憋得(?:慌|难受|不行|受不了)|憋醒|憋死",
       r"嘴唇" + G + r"(?:发)?(?:紫|青|乌)|脸\S{0,2}(?:发)?(?:紫|青|乌)|憋得\S{0,3}(?:青|紫)|喘得(?:厉害|不行|说不出话|受不了|很厉害|很凶)|大口(?:大口)?喘气|张(?:着)?嘴喘|哮喘(?:发作|犯了|又犯)|喘鸣|喘个不停|一直(?:在)?喘",
       r"(?:cant|could not|unable to|struggling to|struggles to|hard to|trouble|difficulty|difficult to)\s+(?:\w+\s+)?(?:breath\w*|catch\s+\w+\s+breath|get\s+(?:any\s+)?air)",
       r"fighting for (?:air|breath)|inhaler\W+" + GE + r"(?:not helping|not working|does not help|useless)|sitting up to breathe|wheez\w* (?:loudly|badly|a lot|very)|breathing\W+" + GE + r"(?:hard|fast|heavily|rapid\w*|noisy)|(?:cant|unable to) lie (?:down|flat)|gasping|struggling for (?:breath|air)|lips\W+" + GE + r"(?:blue|purple|grey|gray)|turning blue|asthma attack|(?:very|really|badly|severely) (?:short of breath|breathless)|choking|fighting for breath|labou?red breathing"),
    _f("breath_mild", r"(?<!哮)喘(?!不)|气短|气急|气促|呼吸不(?:畅|顺)|短气|上气不接下气",
       r"short(?:ness)? of breath|breathless\w*|out of breath|wheez\w*|(?:hard|harder) to breathe"),
    _f("oxygen_down",
       r"(?:制氧机|氧气机|吸氧机|氧气瓶|氧气罐|氧气|呼吸机)" + G + r"(?:坏|停|没电|用完|没了|没氧|故障|报警|出气(?:很|太)?小|流量(?:很|太)?(?:小|低))|(?:制氧机|氧气机|吸氧机|氧气瓶|呼吸机)\S{0,2}(?:不工作|不转|不出氧|不能用|没法用|用不了|不出气)",
       r"停电\S{0,8}(?:制氧机|氧气|呼吸机)|(?:制氧机|氧气|呼吸机)\S{0,8}停电",
       r"oxygen (?:machine|concentrator|tank|cylinder|bottle|supply)\W+" + GE + r"(?:broke\w*|not working|stopped|ran out|run out|empty|died|failed|faulty|alarm\w*|beep\w*|flow is (?:very )?low|low flow)",
       r"(?:concentrator|oxygen machine)\b[^.;,]{0,40}\b(?:flow is (?:very )?low|low flow|alarm\w*|beep\w*)",
       r"(?:broke\w*|faulty|no)\W+" + GE + r"oxygen (?:machine|concentrator)|(?:power cut|no power|power outage)\W+" + GE + r"oxygen"),
    _f("ventilator_down", r"呼吸机" + G + r"(?:坏|不工作|停|没电|故障)|(?:ventilator|bipap|cpap)\W+" + GE + r"(?:broke\w*|not working|stopped|no power)"),
    # Stroke.
    _f("stroke_sign",
       r"嘴(?:巴|角)?" + G + r"歪|(?:脸|嘴角|嘴|眼皮)" + G + r"耷拉|一边高一边低|口角(?:歪|斜|流)|(?:腿|脚)(?:也)?拖着|往一边(?:倒|歪|偏)|(?:看东西)?(?:突然)?重影|口眼歪斜|脸(?:也)?歪|面部歪斜|半边(?:身子|身体|脸|手|腿)" + G + WEAK,
       r"一边(?:的)?" + LIMB + G + WEAK, r"(?:左|右)(?:半?边)?" + LIMB + r"(?:突然)?" + G + WEAK,
       r"讲(?:嘢|话)[^,，。]{0,3}(?:唔清|含糊|唔到|唔出|不清|讲不清)|(?:端|拿|握)(?:碗|筷子|杯子|东西)\S{0,2}(?:端|拿|握)?不(?:稳|住)|半边(?:身|面)" + G + WEAK + r"|说话[^,，。]{0,3}(?:不清|含糊|含含糊糊|大舌头|说不清|不利索|不利落|不对劲|不太清|不灵|费劲|说不出)|口齿不清|吐字不清|舌头(?:发)?(?:硬|大)|大舌头|说不出(?:话|来)|讲不出(?:话|来)|不会说话了?|话都说不(?:清|出)",
       r"拿不住(?:筷子|碗|东西|杯子)|突然(?:看不见|看不清|站不稳|走不稳|糊涂|说胡话|认不出人|不认人|不会说话)|突然\S{0,2}头(?:痛|疼)\S{0,3}(?:厉害|剧烈|欲裂|要炸|受不了)|头痛欲裂|剧烈头(?:痛|疼)|最(?:厉害|严重|疼)的(?:一次)?头(?:痛|疼)",
       r"face\W+" + GE + r"(?:droop\w*|drop\w*|fallen|lopsided|twisted|crooked)|droop\w*\s+(?:face|mouth|side)|mouth\W+" + GE + r"(?:crooked|twisted|droop\w*)",
       r"(?:cant|could not|unable to) (?:hold|grip|lift)\W+" + GE + r"(?:spoon|cup|chopsticks|glass|pen|phone|fork|bowl)|slur\w*|dropp?(?:ed|s|ing)? (?:his|her) (?:cup|glass|spoon|chopsticks|fork|phone)|(?:cant|could not|unable to) (?:speak|talk|get (?:her|his|the) words out|find (?:her|his) words)|speech\W+" + GE + r"(?:strange|garbled|slurred|jumbled|funny)",
       r"(?:cant|could not|unable to) (?:move|lift|feel|use) (?:his|her|my|the)? ?(?:left|right|one)|one side of (?:his|her|the)? ?(?:mouth|face)\W+" + GE + r"(?:down|droop\w*)|suddenly (?:confused|cant speak|cant talk|cant see)|one side\W+" + GE + r"(?:weak|numb|paraly\w+|not working|not moving|dead|limp)|(?:left|right) (?:arm|leg|side|hand)\W+" + GE + r"(?:weak|numb|limp|wont move|not moving|dead|paraly\w+|useless)",
       r"worst headache|thunderclap|sudden (?:severe )?headache"),
    _f("stroke_name", r"中风(?!险)|脑梗(?:塞|死)?|脑卒中|卒中|脑溢血|脑出血|脑血栓|(?<!swimming )(?<!breast)(?<!back)(?<!brush )\bstroke\b(?! of| lessons?| class\w*| technique| count|-)|\bcva\b|\btia\b|mini-stroke", disease=True),
    _f("confusion", r"迷糊|迷迷糊糊|神志不清|意识模糊|说胡话|胡言乱语|(?:好|很)?眼瞓|颠三倒四|语无伦次|认不出(?:来|人|我)|嗜睡|(?:有点|很|人)?糊涂|一直想睡|昏昏欲睡|昏昏沉沉|昏睡|反应(?:很)?(?:迟钝|慢)|不认人|认不出人|糊里糊涂",
       r"(?:does|did) not (?:know|recogni[sz]e) (?:where|me|us|who)|confus\w+|drowsy|delirious|disorient\w+|not making sense|very sleepy|hard to wake|out of it|talking nonsense"),
    # Unconscious, not breathing, collapse.
    _f("unresponsive",
       r"(?:叫|喊|推|拍|摇)(?:他|她|了)?(?:也|都)?(?:叫|喊)?不(?:醒|应)|(?:叫|喊|推|拍)(?:他|她)?(?:也|都)?没(?:有)?(?:了)?(?:反应|动静)|没(?:有)?(?:了)?(?:反应|意识|知觉)|毫无反应|不省人事|人事不省|昏迷|昏过去|晕过去|晕死过去|醒不过来|醒不来|没醒过来|昏(?:去|过去)|叫(?:拢|都|也)?(?:无|没|冇)(?:应|反应)|晕咗|昏咗|(?:点|点样)?叫(?:都)?唔(?:应|醒)|唔醒|冇(?:反应|知觉)|叫不太醒|叫了半天才醒|怎么(?:叫|喊)都不醒|叫不醒",
       r"unconscious|unresponsive|not responding|(?:wont|will not|does not|did not) (?:answer|respond)\W+" + GE + r"(?:me|us|when)|snoring (?:noises|sounds)|making snoring|gurgling|agonal|wont wake|cant wake|not waking|(?:no one|nobody) can wake|(?:passed|blacked|conked) out|out cold|lifeless|not moving and|keeled over"),
    _f("not_breathing", r"没(?:有)?(?:了)?(?:呼吸|气息)(?!困难|急促|不畅|费力|费劲|道|科|机|声|不顺)|没气了|没有气了|不(?:呼吸|喘气)了|停止呼吸|呼吸(?:停|没)了|心跳(?:停|没)了|摸不到(?:脉|心跳)|没(?:有)?心跳",
       r"冇(?:气|呼吸)|not breathing|stopped breathing|no pulse|no heartbeat|cardiac arrest|heart (?:has )?stopped|do not think (?:he|she)(?:'s| is) breathing"),
    _f("fainted", r"晕倒|昏倒|晕厥|晕了过去|休克|栽倒|瘫倒|倒(?:在)?地(?:上)?(?:不动|不起|没反应)|一头栽", r"faint\w*|collapsed?|collapsing|syncope|(?<!static )\bshock\b(?! absorber)"),
    # Bleeding.
    _f("bleed_heavy",
       r"血流(?:到|得)?成地|成地(?:都)?(?:系|是)血|(?:止|按)(?:都)?唔(?:到|住)|(?:流|出|拉|吐|咳|尿|便)(?:了)?(?:很多|好多|大量|一地|一大滩|一滩|一摊|一大摊|满地|一盆|不少|一马桶)(?:的)?血|血[^,，。]{0,10}(?:止不住|止不了|停不下来|不止|流个不停|一直流|一直在流|哗哗|喷|一直(?:在)?冒)|一直在冒血?|往外(?:冒|涌|喷)(?:血)?|冒血|(?:都|全)是血|(?:便血|拉血|咯血|咳血|尿血)\S{0,2}(?:很多|好多|大量|不止)",
       r"大出血|大量出血|(?:流|出)血不止|血流不止|血流(?:了)?一地|喷血|满(?:身|脸|地|手)(?:都)?是血|吐血|呕血|大口(?:吐|咳|咯)血|(?:吐|呕)(?:了|咗)?[^,，。]{0,5}血(?!压|糖)|一大(?:口|啖)血|血崩",
       r"(?:nose ?blood|blood|bleed\w*)\s+(?:does |is |will |did )?(?:not|no) stop\w*|(?:nose ?bleed|bleed\w*)[^.;]{0,40}\b(?:wont stop|will not stop|not stopping|for (?:over |more than )?(?:an|one|two|\d) hours?|soak\w* through)|soak\w* (?:through )?(?:the )?(?:towels?|pads?|sheets?)|(?:bleeding|blood)\W+" + GE + r"(?:wont stop|will not stop|does not stop|not stopping|keeps coming|everywhere)|bleeding (?:heavily|a lot|badly|profusely|non-stop)|heavy bleeding|lots of blood|so much blood|blood everywhere|pool of blood",
       r"(?:vomit\w*|throwing up|threw up|coughing up|coughed up|spitting)\W+" + GE + r"blood|spurting|(?:lost|losing) (?:a lot of|lots of) blood|ha?emorrhag\w+"),
    _f("bleed_gi", r"便血|拉血|黑便|大便(?:发)?黑|柏油样|咯血|咳血|尿血|black (?:stool|poo|poop)|blood in\W+" + GE + r"(?:stool|poo|poop|urine)|coughing (?:up )?blood"),
    _f("bleed_any", r"(?:流|出)(?:了)?\S{0,2}血|出血|血(?:流)?出来|bleed\w*|blood(?! pressure| sugar| test| glucose| oxygen| donation| level)"),
    _f("dizzy", r"头晕|晕得|站不住|站都站不稳|脸(?:色)?白|头昏|眼前发黑|眼发黑|站不稳|脸色(?:苍白|发白|煞白)|dizz\w+|lightheaded|light-headed|pale|woozy|(?:face|skin)\W+" + GE + r"(?:grey|gray|white|ashen)"),
    # Convulsions.
    _f("seizure", r"抽(?:了|得)?[^,，。]{0,5}(?:分钟|停不下来|没停|不停|还在抽)|又抽(?:上|起来)?了?|抽上了|连着抽|抽了(?:两|三|好几)次|抽搐|抽风|抽起来|抽个不停|浑身抽|全身抽|四肢抽|手脚抽|一直抽|口吐白沫|吐白沫|翻白眼|惊厥|羊角风(?:发作|犯)|癫痫(?:又)?(?:发作|犯了|大发作)",
       r"(?:jerking|twitching) all over|(?:shaking|jerking)\W+" + GE + r"on the floor|seizur\w*|seizing|having a fit|fitting|convuls\w+|epileptic (?:fit|attack)|foaming at the mouth|\bfits?\b(?= again| now)"),
    # Pregnancy.
    _f("labour", r"要生了|快生了|快要生|马上(?:就)?要生|生了(?=\S{0,2}(?:在家|在路上))|阵痛|宫缩|肚子一阵(?:一阵|阵)(?:地|的)?(?:疼|痛|紧|发硬)|见红|羊水(?:破|流|出|漏)|破水|临产|早产(?!儿|宝宝|的宝宝|的孩子|娃)|胎动" + G + r"(?:少|减少|变少|没了|不动|停|弱|几乎没)|(?:宝宝|胎儿|孩子)\S{0,4}(?:没怎么|不怎么|没有|没)动(?:过)?|胎儿不动|孩子不动了|产后大出血|要分娩",
       r"baby (?:has not|have not|did not|does not|is not|not) (?:moved|moving|kicked|kicking)|(?:moving|kicking|moves|kicks) (?:much |a lot |far )?less|less movement|fewer (?:kicks|movements)|(?:in|into|going into|gone into|started) labou?r(?! (?:talks?|dispute|union|day|market|party|law|shortage|costs?|strike))|contractions|waters? (?:broke|broken|has broken|have broken|breaking)|baby (?:is|was) coming|about to give birth|giving birth|baby\W+" + GE + r"(?:not moving|stopped moving|not kicking|moving less)|(?:reduced|less|no) (?:fetal|foetal|baby) movement\w*"),
    _f("pregnant", PREGNANT, disease=True),
    _f("abdominal_pain", r"肚子" + G + r"(?:疼|痛|绞|坠)|腹(?:部)?" + G + r"(?:痛|疼)|小腹" + G + r"(?:疼|痛|坠)|下腹" + G + r"(?:疼|痛)|肚子发硬",
       r"(?:stomach|belly|tummy|abdomen|abdominal|lower belly)\W+" + GE + r"(?:pain|ache|hurt\w*|cramp\w*)|(?:pain|cramp\w*)\W+" + GE + r"(?:stomach|belly|tummy|abdomen)|cramping"),
    _f("headache", r"头(?:很|特别|有点|好)?(?:痛|疼)|头(?:痛|疼)", r"headache|head\W+" + GE + r"(?:hurts|pain|pounding)"),
    _f("headache_severe", r"头(?:痛|疼)(?:得)?(?:厉害|很厉害|受不了|不行|要命|欲裂|要炸)|(?:剧烈|特别|非常)头(?:痛|疼)", r"(?:severe|terrible|bad|splitting|worst|awful) headache|headache\W+" + GE + r"(?:severe|terrible|unbearable)"),
    _f("vision", r"眼花|看不清|视物模糊|看东西模糊|眼前(?:发)?黑|冒金星", r"blurr\w+ vision|vision\W+" + GE + r"(?:blurr\w*|funny|spots)|seeing (?:spots|stars)"),
    _f("swelling", r"(?:腿|脚|脸|眼皮|全身|身上|浑身|下肢|脚踝)" + G + r"(?:肿|浮肿|水肿)|浮肿|水肿", r"swell\w*|swollen|puffy|oedema|edema"),
    # Diabetes.
    _f("hypo", r"低血糖|血糖(?:很|太|特别|非常|有点)?低|血糖(?:测)?不出|出(?:冷)?汗" + G + r"(?:发抖|手抖|哆嗦|心慌)|(?:发抖|手抖|哆嗦)" + G + r"出(?:冷)?汗",
       r"(?:meter|glucometer|血糖仪|仪器)\W+" + GE + r"\blo\b|显示\s*lo\b|\bhypo\b|hypoglyc\w+|low (?:blood )?sugar|sugar\W+" + GE + r"(?:low|dropped|crashed)|(?:sweaty|sweating) and (?:shaky|shaking|trembling)|(?:shaky|shaking|trembling) and (?:sweaty|sweating)"),
    _f("hyper", r"酮症|酸中毒|血糖(?:很|太|特别|非常)高|血糖(?:爆|飙)|(?:血糖|血糖仪|仪器)\S{0,4}(?:显示|测出|是)?\s*(?:hi|high)\b", r"(?:meter|glucometer)\W+" + GE + r"(?:hi|high)\b|ketoacidosis|\bdka\b|(?:very|really|extremely) high (?:blood )?sugar|sugar\W+" + GE + r"(?:very high|through the roof|off the chart)"),
    _f("diabetic", r"糖尿病|胰岛素|降糖药|二甲双胍|[一1]型糖|\bdiabet\w+|insulin|metformin|\btype ?[12]\b|\bt1d\b", disease=True),
    _f("tremble", r"哆嗦|发抖|手抖|打颤|shak(?:y|ing)|trembl\w+|shiver\w*"),
    _f("vomiting", r"(?:呕)?吐了?(?:好几次|很多次|不停|个不停|一直)|吐了(?:两|几|三|好几)(?:回|次)|呕咗|一直(?:在)?吐|上吐下泻|呕吐|恶心", r"vomit\w*|throwing up|threw up|being sick"),
    # Poisoning and overdose.
    _f("overdose",
       r"(?:吃|吞|喝|服|食)(?:了|下|掉|咗)(?:一|整|半|大半|一整|成)(?:整)?(?:瓶|盒|板|把|大把)|(?:吃|食)错(?:了|咗)?药|一次过食|(?:吃|吞|喝|服)(?:了|下|掉)?(?:好多|很多|一堆|几十|十几|二十|三十|好几十|\d\d+|一大把|一把)(?:片|粒|颗|瓶|盒)?",
       r"当(?:成)?(?:糖|饭|零食|糖豆|水|维生素|钙片|糖果)(?:吃|喝|了)|误(?:吞|服|食|喝|吃)|(?:多吃|重复吃|吃重)了?(?:一|两|几)?(?:次|遍|顿)",
       r"吃了(?:很多|好多|大量|过量|一大堆)(?:的)?(?:药|安眠药|安定)|(?:安眠药|安定|药|止痛药|降压药)" + G + r"(?:吃多了|吃了很多|吃了好多|过量|全吃了|都吃了)|过量服药|服药过量|药物?中毒|误服|误食|误喝|吞了?(?:电池|纽扣电池)",
       r"(?:took|taken|given|gave)\W+" + GE + r"(?:pills|tablets|meds|medicine|dose)\W+" + GE + r"(?:twice|again|double)|(?:took|taken|gave)[^.;]{0,60}(?:again|twice)[^.;]{0,30}by mistake|double dose|extra dose|overdos\w+|took\W+" + GE + r"(?:bottle|box|packet|pack|handful|strip) of|swallowed\W+" + GE + r"(?:pills|tablets|bleach|battery|batteries|poison)|too many\W+" + GE + r"(?:pills|tablets|meds|sleeping)"),
    _f("poison", r"(?:洗衣凝珠|洗衣液|消毒液|消毒水|84|漂白|清洁剂|农药|敌敌畏|百草枯|除草剂|汽油|纽扣电池|电池|干燥剂|老鼠药|杀虫剂|洁厕)(?:[^,，。]{0,8}(?:吞|喝|咽)|\S{0,3}(?:咬破|咬开|舔|吃))|(?:吞|喝|咽)[^,，。]{0,10}(?:洗衣凝珠|洗衣液|消毒液|消毒水|漂白|清洁剂|农药|纽扣电池|电池|干燥剂|老鼠药|杀虫剂|洁厕)|野(?:生)?蘑菇|毒蘑菇|毒菌|喝了?(?:农药|敌敌畏|百草枯|老鼠药|消毒液|消毒水|84|洗洁精|漂白|除草剂|杀虫剂|汽油|洁厕)|吃了?(?:老鼠药|毒蘑菇|野蘑菇|农药|干燥剂)|煤气中毒|一氧化碳(?!报警|探测|检测|监测)|蘑菇中毒",
       r"(?:drank|drunk|swallowed|ate|eaten|licked)[^.;,]{0,25}\b(?:bleach|pesticide|antifreeze|cleaner|disinfectant|detergent|weedkiller|dishwasher|washing|pods?|capsules?)|poisoned|poisoning|(?:took|drank|ate|swallowed) (?:some )?poison|carbon monoxide(?! alarm| detector| monitor)|\bco alarm (?:is )?(?:going off|went off|sounding|screaming|keeps going off)|rat poison|wild mushrooms"),
    _f("toxic_source", r"烧炭|炭盆|炭火|煤炉|蜂窝煤|煤球炉|烤火炉|charcoal|coal (?:stove|fire|burner)|brazier|generator indoors",
       r"(?:喷|打|洒)(?:了)?(?:农药|杀虫剂|敌敌畏|除草剂)|(?:spray\w*|used)\W+" + GE + r"(?:pesticide|insecticide|weedkiller|bug spray)|(?:bleach|chemical|paint) fumes|(?:mixed|mixing) bleach"),
    _f("toxic_signs", r"流口水|瞳孔(?:很|特别)?小|pupils\W+" + GE + r"(?:tiny|small|pinpoint)|drooling"),
    _f("poisoned", r"(?<!食物)中毒"),
    _f("food_poisoning", r"食物中毒|吃坏(?:了)?肚子|food poisoning"),
    # Gas and fire.
    _f("gas", r"(?:煤气|燃气|天然气|液化气|瓦斯)" + G + r"(?:味|泄漏|泄露|漏了|漏气|在漏|漏)|(?:漏|泄漏|泄露)(?:了)?(?:煤气|燃气|天然气)|闻到(?:一股)?(?:煤气|燃气)|臭鸡蛋味|(?:燃气|煤气|天然气|液化气)[^,，。]{0,8}(?:裂|破|断了|嘶嘶|漏)|嘶嘶(?:响|声)|屋里全是(?:煤气)?味|(?:楼下|楼道|家里|厨房|单元)\S{0,3}漏气",
       r"rotten eggs?|gas\W+" + GE + r"(?:leak\w*|smell\w*)|smell\w*\W+" + GE + r"(?:of )?gas\b"),
    _f("fire", r"(?<!打不)(?<!点不)(?<!打得)着火|起火|失火|火灾|冒烟(?:了)?(?=\S{0,3}(?:屋|家|楼|房))|烧起来了|on fire|fire in|house fire|flat is burning|smoke (?:everywhere|coming|pouring|billowing)|浓烟|冒黑烟|(?:屋里|家里|楼道)[^,，。]{0,4}(?:全是|都是)烟"),
    # Falls.
    _f("fall", r"(?<!把)(?<!手机)(?:摔|跌)(?:倒|跤|了一跤|了一下|伤|在地上|地上|下来|下去|了)(?!坏|碎|烂)|滑倒|绊倒|绊(?:了)?(?:一)?跤|跌亲|仆亲|滑了(?:一)?(?:下|跤)|跌咗|(?:从|在)[^,，。]{0,6}(?:摔|掉|跌)(?:下来|下去|下楼)|坠落|坠楼|倒在地上|(?:躺|倒|坐|趴)(?:在)?地(?:上|下|板)?|跌咗落地",
       r"lying (?:on|by|at|in) (?:the |her |his )?(?:floor|door|ground|bathroom|kitchen)|\bslip(?:ped|s)?\b|\bfell\b|\bfallen\b|\bfalls?\b (?:down|over)|slipped|tripped|had a (?:little |small |bad |nasty |minor )?fall|on the floor|lying on the ground"),
    _f("cant_get_up", r"起不来|爬不起来|站不起来|扶不起来|动不了|不能动|不敢动|没法动|一动就疼|疼得(?:动不了|不能动|站不起来|起不来)",
       r"(?:cant|unable to|could not) (?:get up|stand|move|get off the floor|lift (?:her|him))|stuck on the floor|(?:cant|could not) get (?:him|her) up"),
    _f("fall_injury", r"(?:后脑勺|后脑|脑袋|脑壳|脑门|额头|头)(?:上)?" + G + r"(?:磕|撞|摔|碰)|(?:磕|撞|碰|摔|跌)(?:到|了|着|在|破|亲)?(?:了|个)?(?:后脑勺|后脑|脑袋|脑壳|脑门|额头|头)|磕破|头破|(?:额头|头|脑袋|后脑勺|脸)(?:上)?(?:也)?(?:在)?(?:流|出|冒)(?:了)?血|(?:后脑勺|后脑|脑袋|头)(?:先)?着(?:的)?地|骨折|(?:腿|手|胳膊|髋|胯|手腕|脚踝|骨头)(?:骨)?" + G + r"(?:断|折|裂)|变形|畸形|往外歪|骨头(?:露|戳)|髋(?:关节|部)?" + G + r"(?:疼|痛)|胯(?:骨)?" + G + r"(?:疼|痛)|大腿根" + G + r"(?:疼|痛)",
       r"deformed|(?:strange|funny|weird|odd) angle|bone (?:sticking|showing)|hit\W+" + GE + r"head|head (?:injury|wound|is bleeding|cut)|cut (?:his|her) head|broken (?:hip|leg|arm|bone|wrist)|(?:hip|leg)\W+" + GE + r"(?:hurts|pain|twisted|wrong angle)"),
    _f("height", r"从(?:楼梯|楼上|梯子|高处|阳台|二楼|三楼|屋顶|房顶|脚手架)" + r"[^,，。]{0,4}(?:摔|掉|跌|滚)", r"(?:down|off|from) (?:the )?(?:stairs|ladder|roof|balcony|scaffold\w*)"),
    _f("ok_after", r"(?:自己)?(?:已经)?(?:爬|站|扶)?起来了|没(?:有)?(?:受伤|摔伤|大碍|什么事)|没事|不要紧|问题不大|擦破(?:了)?(?:点|一点)?皮|轻微", r"got (?:back )?up|seems (?:fine|ok|okay)|not hurt|no injur\w+|is fine|is ok\b|is okay|just a bruise|only a bruise|minor"),
    # Suicide.
    _f("suicidal",
       r"不想活|活不下去|活着(?:也)?(?:没|没有)(?:意思|意义|劲|盼头)|活够了|(?<!热)(?<!笑)(?<!累)想死(?!你|您|他|她|我们|咱|了你|我了|啦你|人了|的心)|自杀|轻生|寻死|寻短见|想不开|一了百了|死咗(?:算|好)|唔想(?:再)?活|(?:不想|唔想)(?:再)?拖累|活着(?:也)?(?:是)?(?:多余|没用)|跟(?:着)?(?:他|她)?(?:一起)?(?:去|走)了?算了|了结(?:自己|生命|此生)|结束(?:自己的)?生命|结束(?:这一切|一切|自己)|怎么(?:去)?死|(?:要|想|准备)(?:从)?[^,，。]{0,4}跳下去|想跟着(?:他|她)?(?:一起)?(?:去|走)|(?:要|想)跳(?:下去|楼|河|江|桥)|爬(?:上|到)(?:了)?(?:楼顶|天台|窗台)|站在[^,，。]{0,4}(?:窗台|楼顶|天台|栏杆)(?:外|上)|(?<!看)跳楼(?!价|甩卖|大甩卖)|跳河|跳江|跳湖|割腕|上吊|喝药(?:死)?|不如死了|死了算了|死了(?:就)?(?:好|干净)|还不如死|活着(?:是|就是)?(?:拖累|累赘)|写(?:了)?遗书",
       r"suicid\w*|kill (?:my|him|her|them)sel(?:f|ves)|end(?:ing)? (?:my|his|her|their) (?:own )?life|end(?:ing)? it all|i have a plan|(?:do|does) not want to be (?:here|around)|written\W+" + GE + r"(?:letters?|notes?) to (?:my|his|her|the) (?:kids|children|family|son|daughter)|(?:want|wish)\w* (?:to )?(?:disappear|never wake up|not wake up|fall asleep and not wake)|(?:thinking about|think about|going to|want to|wants to) end(?:ing)? it\b|pills ready|hurt (?:him|her|my|them)sel(?:f|ves)|harm (?:him|her|my|them)sel(?:f|ves)|self-harm|texted\W+" + GE + r"goodbye|cut (?:my|his|her) wrists?|take (?:my|his|her) own life|want(?:s|ed)? to die|wanna die|(?:do|does) not want to (?:live|be alive|go on|wake up)|better off dead|no reason to (?:live|go on)|no point (?:in )?(?:living|going on)|jump off|slit (?:my|his|her) wrists|hang (?:my|him|her)self|goodbye (?:note|letter)",
       worry_counts=True),
    # Allergy.
    _f("allergy", r"过敏|被(?:蜜蜂|马蜂|黄蜂|蜂|虫子?|蝎子)(?:蛰|蜇|叮|咬)|(?:蜜蜂|马蜂|黄蜂)(?:蛰|蜇)", r"allerg\w+|stung by|bee sting|wasp sting|\bsting\b"),
    _f("exposure", r"吃了[^,，。]{0,8}(?:以后|之后|后)|吃完(?:了)?(?:以后|之后|后)?|(?:打|输)完[^,，。]{0,6}(?:针|液|青霉素|疫苗|头孢)?|(?:打|输)了[^,，。]{0,4}(?:针|液|青霉素|头孢)|吃了新(?:开)?的药|吃了[^,，。]{0,8}(?:虾|海鲜|花生|芒果|坚果|螃蟹|芝麻)",
       r"after (?:eating|taking|the injection|a bee|the jab|the shot|(?:a |the |his |her |my )?(?:new )?(?:antibiotic|injection|jab|shot|medicine|drug|pill|tablet|vaccine|infusion|drip))|\bate\b[^.;]{0,30}\b(?:peanut|nut|nuts|cashew\w*|almond\w*|walnut\w*|shrimp|prawn|shellfish|seafood|sesame|crab|egg|fish)"),
    _f("airway_swelling", r"(?:喉咙|嗓子)(?:眼儿?)?[^,，。]{0,6}(?:掐|勒|卡住)|(?:喉咙|嗓子|咽喉|嘴唇|舌头|嘴巴|脸|眼皮|(?<![脚手])脖子)" + G + r"(?:肿|发肿|发紧|堵|痒得喘)|过敏性休克|严重过敏",
       r"(?:hard|difficult|difficulty|trouble|cant|unable) (?:to )?swallow\w*|咽不下|吞不下|(?:throat|tongue|lips?|face|mouth)\W+" + GE + r"(?:swell\w*|swollen|closing|tight\w*|puff\w*|big|huge|fat)|swelling (?:of|in|on) (?:the |his |her |my )?(?:throat|face|lips|tongue|mouth)|anaphyla\w+|epi-?pen"),
    _f("rash_all", r"(?:全身|浑身|满身|身上到处)\S{0,3}(?:起|长|出|都是)?\S{0,2}(?:疹子|风团|红疹|红点|包|荨麻疹|疙瘩)", r"(?:全身|浑身)(?:发)?痒|(?:hives|rash|itch\w*) (?:all over|everywhere)|(?:whole|entire) body\W+" + GE + r"(?:rash|hives)|covered in (?:a )?(?:rash|hives)"),
    # Burns.
    _f("burn", r"(?:开水|热水|热汤|热油|热粥|滚水)(?:壶|瓶|锅|杯)?[^,，。]{0,4}(?:碰翻|打翻|洒|泼|倒|溅)|烫了(?!头|发)|油\S{0,2}(?:溅|泼)|溅到(?:脸|眼|身)|插座(?:里|孔)|伸(?:到|进)(?:了)?插座|烫伤|烧伤|灼伤|(?:被|让)\S{0,4}(?:烫|烧)(?:伤|到|着|了)|烫(?:到|着|起|出|得|红|破)|摸了?(?:插座|电线|电门)|烧黑|烧焦|开水\S{0,3}(?:烫|浇)|热油\S{0,3}(?:烫|溅)|触电|电击|被电(?:到|了)|电打",
       r"(?:grabbed|touched|knocked|fell on|leaned on)\W+" + GE + r"(?:iron|stove|oven|hob|kettle|hot pan|radiator|heater)|(?:spill\w*|poured|knocked)\W+" + GE + r"(?:hot|boiling)|(?:hot|boiling) (?:water|oil|soup|tea|coffee|milk)\W+" + GE + r"(?:on|over)|boiling (?:water|oil)|\bburn(?:ed|t|s)?\b\W+" + GE + r"(?:hand|arm|leg|face|chest|back|foot|skin|body|fingers?|himself|herself|myself)|(?:got|was|been|badly|severely) (?:burn(?:ed|t)|scalded)|scald\w*|electric shock|electrocut\w+|burns? (?:on|to) (?:his|her|my|the)"),
    _f("burn_severe", r"大面积|一大片|(?:全是|好多|很多|一片)水泡|整个(?:手臂|胳膊|腿|背|胸|后背|肚子)|脸上|面部|起(?:了)?(?:很多|好多|一大片|大)?(?:水)?泡|皮(?:都)?(?:掉|烂|脱)了?|衣服(?:烧|着)",
       r"large|big area|whole (?:arm|leg|back|hand|chest)|blister\w*|skin\W+" + GE + r"(?:peeling|coming off|white|charred)|on (?:his|her|the) face|clothes (?:caught )?(?:on )?fire"),
    _f("child", r"弟弟|妹妹|小囡|囡囡|细路|小孩|孩子|宝宝|婴儿|儿子|女儿|孙子|孙女|外孙|娃|小朋友|幼儿", r"\bchild\b|\bkid\b|\bbaby\b|toddler|\binfant\b|\bson\b|\bdaughter\b|little (?:boy|girl)"),
    _f("minor", r"一点点|一小块|小口子|小伤口|手指|指头|一下下|有点红|擦伤|蹭破", r"\bsmall\b|\btiny\b|\bminor\b|\blittle\b|a bit|finger"),
    # Fever and infection.
    _f("fever", r"有点烧|(?:在)?发(?:着)?烧|发烧|发热|高烧|高热|低烧|烧(?:到|得|了)\S{0,3}(?:度|°)|体温(?:很|有点)?高|烧不退|浑身(?:发)?烫|额头(?:很)?烫|(?<!没)烧起来了",
       r"浑身(?:发)?(?:烫|热)|feels? (?:very )?hot|body\W+" + GE + r"(?:very )?hot|fever\w*|high temp\w*|(?:running|has|had|with) a temp\w*|temperature\W+" + GE + r"(?:high|up|of)|burning up|hot to the touch"),
    _f("rigors", r"寒颤|打寒颤|牙齿(?:直)?打架|寒战|打寒战|打摆子|冷得(?:直)?发抖|浑身发抖|全身发抖|直哆嗦", r"rigou?rs|shaking (?:with )?chills|chills|shivering (?:uncontrollably|badly|a lot)|violent shivering"),
    _f("sepsis_skin", r"皮肤[^,，。]{0,6}(?:发紫|发青|发花|紫|花)|手脚冰凉|四肢冰凉|花斑|身上(?:发)?(?:紫|青)|出血点|瘀点|皮疹(?:压|按)(?:了)?不(?:褪|退)|脖子(?:发)?硬|脖子僵",
       r"mottled|blotchy|purple (?:spots|rash|skin)|rash\W+" + GE + r"(?:does not fade|not fade|will not fade)|stiff neck|neck\W+" + GE + r"stiff"),
    _f("low_bp", r"血压(?:也|很|特别|有点)?(?:低|下降|掉)|blood pressure\W+" + GE + r"(?:low|dropp\w+)|low blood pressure"),
    _f("infection", r"感染|发炎|肺炎|infection|pneumonia|\buti\b"),
    _f("weak", r"没(?:有)?力气|浑身(?:无力|没劲)|全身(?:无力|没劲)|没劲|乏力|虚弱|人(?:很|特别)?虚|软绵绵|软得|(?:人|浑身|全身)(?:都)?软了?|瘫软|站都站不住|起不了床", r"\bweak\b|weakness|no energy|exhausted|very tired|floppy|limp\b"),
    _f("chemo", r"化疗|放疗|放化疗|靶向|肿瘤|癌症|chemo\w*|radiotherapy|radiation therapy|cancer", disease=True),
    # Dialysis.
    _f("missed_dialysis",
       r"(?:没|没有|没能|没法|没办法|不能|去不了|没去成|错过了?|耽误了?|停了?)(?:去|做|能去|能做|上)?(?:了)?(?:医院)?(?:血)?透(?:析)?|透析" + G + r"(?:没|没有|没能|断了|停了|耽误|去不了|没去成|没做|取消)|该透析(?:了)?\S{0,3}(?:没|还没)|(?:几|两|三|四|\d+)天没(?:做|去)?(?:血)?透",
       r"(?:missed|skipped)\W+" + GE + r"dialysis|(?:could not|cant|did not|unable to|have not|has not) (?:get to|go to|have|do|make it to|had)\W+" + GE + r"dialysis|no dialysis|dialysis\W+" + GE + r"(?:cancelled|canceled|missed|skipped|postponed)"),
    _f("dialysis", r"透析|血透|腹透|dialysis", disease=True),
    # Amber flags.
    _f("medicine_out",
       DRUGS + r"[^,，。]{0,4}(?:吃完|用完|没了|断了|没有了|吃光|用光|已经完|没剩|一粒不剩|一颗都没)|断药|没药(?:了|吃)|药没(?:了|有了)|最后一(?:片|粒|顿|支)|只剩(?:今天|一天|一顿|最后)",
       r"(?:ran|run|running|has run|have run) out of\W+" + GE + r"(?:medicine|medication|meds|pills|tablets|insulin|drugs|inhaler)|out of\W+" + GE + r"(?:insulin|medicine|meds|pills|tablets|medication)|no more\W+" + GE + r"(?:insulin|medicine|meds|pills|tablets|medication)|no (?:more )?(?:\w+ )?(?:insulin|medicine|meds|pills|tablets|medication) left|(?:insulin|medicine|meds|pills|tablets|medication|inhaler|pen)\W+" + GE + r"(?:ran out|run out|finished|gone|used up|ran empty|is empty|empty)|last (?:dose|pill|tablet|injection)"),
    _f("unreachable",
       r"(?:电话|手机)\S{0,4}(?:没人接|打不通|无人接听|关机|不接|没有人接)|没(?:有)?(?:人)?接(?:电话)?|不接电话|(?:几|两|三|\d+)天(?:都)?(?:没|不)(?:接|回)|(?:联系|找)不(?:上|到)|敲门\S{0,4}(?:没人|没有人|无人|没|不)(?:应|开|回|答|反应)?|没人(?:应|开门|回应)|(?:失联|没有音讯|没消息)|没(?:见|看到|看见)(?:她|他|人)?(?:出门|出来)|报纸(?:也)?没(?:拿|收)|(?:牛奶|快递|外卖)(?:也)?没(?:拿|取|收)",
       r"not answer\w*\W+" + GE + r"(?:call\w*|phone)|(?:does|did) not (?:answer|pick up)|(?:nobody|no one) answers\b|newspapers?\b[^.;]{0,30}\b(?:still|piling|not taken)|no answer|not answering|(?:cant|could not|unable to) (?:reach|contact|get hold of|get through)|has not answered|not picking up|(?:no one|nobody) (?:answers|answered|opens|came to) the door|no response|have not heard from|has not been seen|not seen (?:him|her)|newspapers? (?:piling|not taken|still)|milk (?:not taken|still outside)"),
    _f("alone", r"独居|一个人(?:住|在家|生活)|孤寡|空巢|孤老|无人照顾|没人照顾", r"lives? (?:on (?:his|her) own|alone|by (?:him|her)self)|alone|on (?:his|her) own"),
    _f("elderly", r"老人|老太|老头|老伴|奶奶|爷爷|外婆|外公|姥姥|姥爷|大爷|大妈|婆婆|老爷子|老太太|老奶奶|老母亲|老父亲|老妈|老爸|阿婆|阿公|老先生|老大娘|老大爷",
       r"elderly|old (?:man|lady|woman|mother|father|neighbou?r)|grand(?:ma|pa|mother|father|mum|mom|dad)|granny|pensioner|in (?:his|her) (?:70|80|90)s"),
    _f("infant", r"婴儿|新生儿|宝宝|小宝|奶娃|月子里|刚满月|满月", r"\bbaby\b|\binfant\b|newborn|new-born"),
    _f("slow_pulse", r"心跳(?:很|特别|非常)?慢|脉(?:搏)?(?:很|特别)?慢", r"pulse\W+" + GE + r"(?:very |really |so )?slow|slow (?:pulse|heart ?beat)"),
    _f("diarrhoea", r"拉肚子|腹泻|拉稀|上吐下泻|拉了(?:好几|六七|五六|七八|十几|\d+)次", r"diarrho?ea|the runs"),
    _f("leg_clot", r"(?:小腿|腿肚子?)\S{0,4}(?:红肿|又红又肿|肿痛|肿得)|(?:一条|一边|单)腿\S{0,3}肿",
       r"(?:calf|leg)\W+" + GE + r"(?:red|swollen|painful|hot)\W+" + GE + r"(?:swollen|red|hot|calf)|(?:red|swollen|painful)\W+" + GE + r"calf"),
    _f("severe_pain", r"(?:疼|痛)得(?:受不了|不行|打滚|直叫|要命|厉害|满头大汗|直哭)|剧(?:烈)?(?:疼|痛)|(?:疼|痛)死了", r"severe pain|unbearable|excruciating|agony|screaming (?:in|with) pain|terrible pain"),
    # Second round: the phrasings and signs the fifth blind set showed (classes, each in
    # Chinese with its dialect and voice-input forms, and in English).
    _f("chest_pain", r"心(?:机|肌)梗(?:塞|死)?(?=\S{0,4}(?:又|再|犯|发作))|(?:胸|心口)[^,，。]{0,6}(?:像|好像)[^,，。]{0,6}(?:压|勒|绑|箍)",
       r"(?:crushing|squeezing|pressing|tight|band)\W+(?:[\w']+\W+){0,6}?chest(?! of)|chest\W+(?:[\w']+\W+){0,4}?(?:crushing|squeezing|like an? (?:band|weight|elephant|vice))"),
    _f("stroke_sign", r"(?:半边|一边|左边|右边|左半边|右半边)(?:身子|身体|手脚|脸|手|腿)?[^,，。]{0,3}(?:莫得|没得|冇)(?:力气?|劲|知觉)|(?:左|右)半边[^,，。]{0,3}(?:麻|没劲|动不了|没知觉)|(?:说话|声音|讲话|话)[^,，。]{0,3}(?:含混|含糊|说不伸|不伸抖|不伸展|打结|不利索|大舌头|说不出)|话都说不(?:伸|清|出|利索)",
       r"(?:speech|voice|words?)\W+(?:[\w']+\W+){0,3}?(?:slurr\w*|garbled|muddled|jumbled|thick)"),
    _f("unresponsive", r"(?:叫|喊|拍|推|摇)(?:他|她|了)?(?:他|她)?(?:也|都)?不(?:答应|理|睁眼|出声)|(?:叫|喊)不(?:答应|应)|眼睛(?:也|都)?不睁|(?:推|拍|摇)(?:他|她)(?:他|她)?(?:也|都)不动|云倒|晕到(?=了|在)|昏到(?=了|在)|叫不行|人事不知|冇反应|叫(?:极|咗)?都冇(?:反应|应)|婚迷|昏米",
       r"(?:wont|does not|will not|cant) (?:open (?:his|her) eyes|wake up)|(?:not|no longer) (?:responding|answering|reacting)|barely (?:conscious|responsive)"),
    _f("motionless", r"一动不动|动也不动|一动也不动|纹丝不动|(?:不动|冇郁)了(?![,，。]{0,1}(?:手|脚))|没(?:有)?(?:了)?动静",
       r"not moving|motionless|isnt moving|is not moving|does not move|lying still|wont move|no movement"),
    _f("found_down", r"(?:趴|躺|倒|瘫|歪)(?:在)?[^,，。]{0,6}(?:地上|地下|地板|门口|床边|床下|楼道|楼梯|卫生间|厕所|浴室)[^,，。]{0,8}(?:一动不动|不动|没反应|没动静|叫不醒|不答应)",
       r"(?:lying|collapsed|slumped|face down) (?:on|in|at) (?:the |her |his )?(?:\w+ )?(?:floor|ground|stairs|stairwell|bathroom|kitchen|toilet|bed)[^.;]{0,40}(?:not moving|motionless|not responding|unresponsive|cold)|(?:found|find|see|saw) (?:him|her|them|the \w+) (?:lying|on the floor|collapsed|face down)"),
    _f("fall_injury", r"(?:头|脑袋|脑壳|额头|后脑勺)(?:上)?[^,，。]{0,3}(?:肿了?(?:个|一个|好大)?(?:包|块)|起了?(?:个|一个|好大的?)(?:包|大包))|耳朵(?:里)?[^,，。]{0,4}(?:流|出)血",
       r"(?:lump|bump|swelling|gash|cut) (?:on|to) (?:his|her|the) (?:head|forehead)|bleeding from (?:his|her|the) (?:ear|ears|nose and ears)"),
    _f("confusion", r"(?:反复|一直|老是)问(?:同样|一样|相同)?的?(?:问题|话)|犯迷糊|迷迷瞪瞪|迷迷登登|懵懵的|认不得人|不认得人",
       r"(?:asking|asks) the same (?:question|thing)|repeating (?:herself|himself|the same)|not making sense|mumbling|barely talking|does not know where (?:she|he) is"),
    _f("bleed_heavy", r"血[^,，。]{0,4}(?:满地|一地|流个不停|哗哗|直流|止不住)|满地(?:都)?(?:是)?血|血流得满地|(?:电锯|刀|玻璃|斧头)[^,，。]{0,8}(?:拉|割|砍|划|扎)(?:到|伤|开|破)?[^,，。]{0,6}(?:血|动脉|大腿|脖子)|被捅|捅了(?:一|几)刀|刀捅|喷血",
       r"blood (?:coming|soaking|seeping|pouring|gushing) (?:through|out)|(?:deep|big|huge|long) (?:gash|cut|wound)|spurt\w*|(?:gushing|pouring|pumping) (?:blood|out)|stabbed|knife wound|bleeding from (?:his|her) (?:head|neck|chest|belly|stomach)"),
    _f("bleed_gi", r"咖啡(?:渣|色)|吐[^,，。]{0,4}(?:黑色|咖啡)|大便[^,，。]{0,3}(?:黑|柏油)|拉[^,，。]{0,2}黑(?:便|屎)",
       r"coffee grounds?|(?:poo|poop|stool|stools)\W+(?:[\w']+\W+){0,3}?(?:black|tarry)|tarry stool"),
    _f("seizure", r"(?:孩子|娃|娃儿|宝宝|小孩|人|他|她|老人|我妈|我爸|婆婆|爷爷|奶奶|儿子|女儿)(?:又|突然|在)?抽(?:了|起来了|过去了|筋了?)?(?=$|[,，。!！?？\s])|倒(?:在)?地(?:上)?[^,，。]{0,3}抽|发羊癫疯|羊癫疯",
       r"\bhaving a seizure\b|\bseized\b|\bfitting\b|shaking all over and (?:not|wont|cant)"),
    _f("overdose", r"(?:吃|吞|喝|服)(?:了|下|掉)?[^,，。]{0,6}(?:整瓶|一整板|一整盒|一瓶|一盒|一板|一大把|一把|几十(?:片|粒|颗)|\d{2,}(?:片|粒|颗))|(?:偷|拿)(?:吃|着吃)(?:了)?[^,，。]{0,8}(?:药|降压药|药片)|把[^,，。]{0,8}药[^,，。]{0,4}(?:当|吃光|吃完|全吃|都吃)",
       r"\b(?:swallowed|took|taken|downed|ate|had)\b[^.;]{0,30}\b(?:whole (?:bottle|box|pack|packet|strip)|handful|\d{2,} (?:pills|tablets|capsules)|all (?:of )?(?:her|his|the|my) (?:pills|tablets|meds))|\blike \d{2,} (?:pills|tablets)|got into (?:the |her |his |my |grandma'?s |grandpa'?s |granny'?s )?(?:pill|medicine|meds|tablets)|\b(?:ate|swallowed|eaten)\b\W+(?:[\w']+\W+){0,4}?(?:pills|tablets|meds)\b"),
    _f("poison", r"(?:误|错)(?:喝|吃|服)[^,，。]{0,8}(?:消毒|农药|洗|药|油)|(?:农药|敌敌畏|百草枯|老鼠药|消毒液|84)[^,，。]{0,6}(?:当|当成)[^,，。]{0,4}(?:喝|吃)",
       r"(?:drank|swallowed|drunk|ate|licked)\W+(?:[\w']+\W+){0,4}?(?:bleach|pesticide|weed ?killer|antifreeze|paraquat|rat poison|lye|drain cleaner)"),
    _f("airway_swelling", r"(?:面|脸|块面|嘴唇|舌头|喉咙|嗓子)[^,，。]{0,3}(?:肿晒|肿起|肿成|肿得)",
       r"(?:throat|airway)\W+(?:[\w']+\W+){0,3}?(?:closing|squeez\w*|shut)"),
    _f("breath_severe", r"(?:透|唞|抖)(?:唔|不)(?:到|过)(?:气|气来)|噎(?:亲|住|着了)|哽(?:亲|住)|咳唔出|咳不出(?:来)?|(?:脸|面|块面|嘴唇|嘴巴)(?:都|已经)?(?:憋|发)?(?:紫|青)(?:晒|了|咗)?|喘(?:唔|不)到|气(?:都)?(?:透|喘)不(?:上|过)来|上唔到气|(?:喉咙|嗓子)(?:里)?[^,，。]{0,4}(?:呼呼|嘶嘶|咝咝|呼噜|吱吱)(?:响|声)|吸气[^,，。]{0,8}(?:响|声音|怪声)|(?:鼻翼|鼻孔)[^,，。]{0,4}(?:扇|煽|张)|肋骨[^,，。]{0,8}(?:凹|陷|吸进)|三凹|呼吸[^,，。]{0,4}(?:暂停|停顿|停一下|停几秒)|喘气[^,，。]{0,3}(?:停|断断续续)",
       r"can(?:not|t) get (?:his|her|my) breath|stridor|barking cough|(?:ribs?|chest|skin between (?:the|his|her) ribs)\W+(?:[\w']+\W+){0,3}?(?:sucking|pulling|drawing|sinking) in|nostrils flar\w*|(?:stops|stopped|pauses) breathing for|pauses in (?:his|her) breathing|breathing\W+(?:[\w']+\W+){0,2}?(?:strange|weird|funny|noisy|rattly|gurgly)|(?:choked|choking) on|something stuck in (?:his|her|my) throat|cant (?:cough|speak|talk) and"),
    _f("suicidal", r"(?:关(?:着|紧)?(?:门窗|门|窗)|密闭|封(?:了|住)?(?:门|窗))[^,，。]{0,10}烧炭|烧炭[^,，。]{0,10}(?:关|密闭|封|自杀)|(?:发|留)(?:了)?[^,，。]{0,4}(?:遗言|告别|永别)|(?:刀|刀片)[^,，。]{0,4}(?:划|割)(?:了)?(?:手腕|手|脖子)|(?:手腕|脖子)[^,，。]{0,3}(?:划|割)(?:了|开|破)|坐在[^,，。]{0,4}(?:窗台|窗户|栏杆|楼顶)[^,，。]{0,6}(?:腿|脚)[^,，。]{0,4}(?:外|悬)",
       r"(?:wrote|sent|texted|left|said)\W+(?:[\w']+\W+){0,3}?(?:goodbye|farewell|a note)|charcoal\W+(?:[\w']+\W+){0,6}?(?:closed|sealed|taped|locked)|(?:closed|sealed|taped|locked)\W+(?:[\w']+\W+){0,6}?charcoal|(?:legs?|feet) (?:hanging )?(?:out|over) (?:the )?(?:window|ledge|edge|railing)|on the (?:window )?ledge|cut (?:her|his|my) wrists?|pills (?:are )?(?:on the table|laid out|lined up)",
       worry_counts=True),
    _f("pregnant", r"两道杠|验孕棒|测出(?:来)?怀孕|怀孕测试|月经(?:推迟|晚了|没来)|例假(?:推迟|晚了|没来)|停经",
       r"positive (?:pregnancy )?test|pregnancy test (?:was |is )?positive|(?:period|periods) (?:is |are )?(?:late|overdue|missed)|missed (?:her|my|a) period", disease=True),
    _f("abdomen_red", r"(?:肚子|腹部)[^,，。]{0,4}(?:硬(?:得)?(?:像|跟)?(?:木板|板子|板|石头)|硬邦邦)|板状|松(?:开)?手(?:更|还|反而)?(?:疼|痛)|反跳痛|(?:肚子|腹部)[^,，。]{0,3}胀得像鼓|(?:几天|好几天|两天|三天)没(?:放屁|排气|拉屎|解大便|大便)|不排气|往(?:后)?背(?:上)?(?:钻|窜|串|穿|放射)|撕裂(?:样|一样|般)?(?:的)?(?:痛|疼)|刀割(?:样|一样)的?(?:痛|疼)",
       r"(?:hard|rigid|stiff) (?:like|as) a board|board-?like|rebound|tearing pain|writhing|doubled over|vomit\w*\W+(?:[\w']+\W+){0,2}?green|green (?:vomit|stuff|bile)|through to (?:his|her|the) back|(?:belly|stomach|abdomen) is (?:hard|rigid|swollen like)"),
    _f("headache_sudden", r"(?:头|后脑勺|后脑|脑壳|脑袋)[^,，。]{0,6}(?:突然)?[^,，。]{0,4}(?:像)?(?:挨了?一?(?:闷棍|棍|锤)|被(?:人)?(?:打了?一棍|敲了一下|锤了一下)|炸开|爆炸|要炸开|劈开)|(?:这辈子|一辈子|从来没有?过?)[^,，。]{0,6}(?:最)?(?:疼|痛)的(?:一次)?头(?:痛|疼)",
       r"(?:sudden|explosive|thunderclap|worst)\W+(?:[\w']+\W+){0,2}?headache|headache\W+(?:[\w']+\W+){0,3}?(?:like (?:being )?(?:hit|a bomb|an explosion)|worst (?:ever|of (?:his|her|my) life))|hit (?:on|in) the back of the head by nothing"),
    _f("photophobia", r"怕光|见不得光|不能看光", r"(?:cant stand|hurts? (?:to look at|from)|sensitive to) (?:the )?light|light hurts"),
    _f("violence", r"(?:拿|持|举|提)(?:着)?(?:刀|菜刀|斧头|锤子|榔头|棍子|铁棍|酒瓶|碎瓶子|砖头)[^,，。]{0,6}(?:要|在|追|砍|打|捅|威胁|对着|乱)|(?:砍|捅|杀)(?:死|伤|了)?(?:他|她|我|人|你)|(?:掐|勒)(?:住|着)?(?:我|她|他)?(?:的)?脖子|家暴|(?:被|让)[^,，。]{0,6}(?:打|揍|砍|捅|踢)(?:得|了|伤|破)|(?:打|揍)(?:得|的)[^,，。]{0,4}(?:头破血流|满脸是血|鼻青脸肿|流血|起不来)|(?:往死里|用力|拼命)(?:打|揍|踢)|(?:殴打|暴打|毒打|揍)(?:我|她|他|孩子|老人|老婆|妈)|打(?:我|她|他)(?:了|得|的|一顿|耳光|巴掌)|(?:打架|斗殴)[^,，。]{0,10}(?:血|刀|伤)",
       r"(?:beat\w*|hitting|punch\w*|kick\w*|attack\w*|strangl\w*|chok\w*|stab\w*|slash\w*)\W+(?:[\w']+\W+){0,2}?(?:me|her|him|my|the|our|a|them)\b(?!\s+(?:game|level|boss|record|deadline|traffic|heat))|(?:with|holding|waving|has) (?:a |the )?(?:knife|hammer|machete|axe|broken bottle|bat|gun)\b|threaten\w* (?:to kill|with a|us|me|her|him)|domestic violence|(?:was|been|got) (?:beaten|stabbed|attacked|assaulted|strangled)|choked me"),
    _f("cold_exposure", r"冻僵|冻得[^,，。]{0,4}(?:发紫|不行|说不出|动不了|硬)|冻坏|失温|(?:身上|浑身|全身|手脚)[^,，。]{0,2}(?:冰凉|冰冷|冰一样)|(?:雪地|雪里|外面|楼下|路边)[^,，。]{0,8}(?:坐|躺|倒|冻)|浑身湿透|湿透了?|落水",
       r"hypotherm\w*|(?:ice|icy|stone|freezing) cold|in the snow|frozen|(?:not|stopped|no longer) shivering|\bsoaked\b|(?:very|so|really) cold to (?:the )?touch"),
    _f("heat_illness", r"中暑|热射病|热晕|热倒|热得[^,，。]{0,4}(?:晕|糊涂|说胡话|不行|抽)|(?:气温|温度|室温|屋里|屋头)[^,，。]{0,4}(?:3[89]|4\d|四十)(?:多)?度",
       r"heat ?stroke|heat exhaustion|sunstroke|(?:no ac|no air ?con|no fan|no power)\W+(?:[\w']+\W+){0,4}?(?:heat|hot)|hot (?:and )?dry skin|skin (?:is )?(?:hot|red) and dry|it'?s (?:3[89]|4\d) degrees"),
    _f("drowning", r"溺水|呛水|(?:人|孩子|娃|他|她|老人|宝宝)[^,，。]{0,4}淹(?:着|到|了|在)|(?:掉|落|栽|跌|滑)(?:进|到|入)(?:了)?[^,，。]{0,4}(?:水|河|池|塘|浴缸|澡盆|水缸|井)|从水(?:里|中)(?:捞|拉|救|拖)|脸朝下[^,，。]{0,6}(?:水|浴缸|澡盆)",
       r"drown(?:ing|ed|s)?\b(?! in (?:work|e-?mails?|paperwork|debt|bills|homework|tasks|messages))|face down in (?:the )?(?:water|bath|bathtub|tub|pool|pond)|pulled (?:him|her|them|the \w+) out of (?:the )?(?:water|bath|bathtub|tub|pool|river|pond)|fell into (?:the )?(?:pool|river|pond|lake|water)|went under"),
    _f("electrocution", r"触电|被电(?:到|了|打|击)|电打|漏电[^,，。]{0,6}(?:倒|晕|电)|电(?:线|门|插座)[^,，。]{0,6}(?:电倒|打倒|倒了)",
       r"electrocut\w*|electric shock|shocked by (?:a |the )?(?:wire|socket|cable|power)|(?:touched|grabbed) (?:a |the )?(?:live )?wire"),
    _f("cold_gas_source", r"(?:燃气|煤气)?热水器|烧炕|火炕|炕[^,，。]{0,4}烧|烤炭|炭炉|煤火|煤炉子|暖炉",
       r"(?:gas )?water heater|gas heater|coal (?:heater|brazier)|(?:charcoal|coal) (?:grill|bbq|heater) (?:inside|indoors)|kang"),
    _f("vital_medicine", VITAL_NAMES, disease=True),
    # Fourth: what the seventh blind set showed.
    _f("stroke_sign", r"说(?:话)?[^,，。]{0,3}(?:怪话|听不懂的话)", r"(?:cannot|cant|could not) smile on (?:the )?(?:left|right|one) side|speaks? (?:very )?strange words|(?:leg|arm|hand|side) (?:has )?no power"),
    _f("fainted", r"倒哒|一下子就倒|倒(?:佇|在)(?:塗跤|涂脚)", r"(?:just|suddenly) (?:dropped|collapsed|went down|fell down)\b"),
    _f("unresponsive", r"(?:叫|喊)(?:伊|他|她)?(?:攏|都|拢|也)?(?:無|无|冇|没)(?:应|反应)|冇得反(?:应|映)|没得反应|(?:招呼|叫|喊)(?:她|他)?(?:也|都)?不(?:吱声|吭声|出声|应声)|只(?:会)?哼哼",
       r"\b(?:hun|yun) ?dao\b|\bjiao bu (?:xing|ying)\b|\bhun ?mi\b|did not wake(?: up)?\b|eyes closed and (?:not|no)"),
    _f("breath_severe", r"喘(?:气|氣)[^,，。]{0,3}(?:很|真|好|特别)?(?:细|弱|粗)|呼吸(?:很|特别|非常|真)?(?:弱|微弱|浅)|喘气粗",
       r"(?:no|not) breathing (?:good|well|right)|breathing (?:is )?(?:not good|very weak|weak|shallow)|(?:grabbing|clutching|holding) (?:his|her|their) (?:throat|neck)|(?:food|meat|something|a bone) (?:is )?stuck"),
    _f("fall", r"(?:跌|摔|掉)落", r"fell (?:off|from) (?:the )?(?:balcony|roof|ladder|window)"),
    _f("bleed_gi", r"黑血|屙[^,，。]{0,4}血|拉[^,，。]{0,3}(?:全是|都是)血"),
    _f("dizzy", r"昏沉沉|昏昏沉沉"),
    _f("seizure", r"one fit after another|fit after fit|another fit|(?:second|third|fourth) (?:fit|seizure)|seizures? (?:one after another|back to back)"),
    _f("burn_severe", r"眉毛|头发(?:都)?焦|焦了|(?:脸|面)[^,，。]{0,3}(?:烧|烫)伤|烫掉[^,，。]{0,3}皮|(?:一层|一大块)皮|面积(?:好|很|特别)?大"),
    _f("burn", r"烫掉|烧伤|炸了[^,，。]{0,8}(?:烧|烫|伤)"),
    _f("suicidal", r"(?:刀|绳子|药)(?:已经)?(?:都)?准备好了|准备好了(?:刀|绳子|药)|把自己(?:反)?锁在[^,，。]{0,4}(?:卫生间|厕所|房间|屋)", worry_counts=True),
    _f("sepsis_skin", r"冻冰冰|冰冰冷"),
    _f("confusion", r"成日瞓|一直(?:在)?睡|说话(?:很|特别|变)?慢"),
    _f("dehydrated", r"尿片[^,，。]{0,4}(?:都)?(?:系)?干"),
    _f("gas", r"没气味儿?(?:好|很|特别)重|楼气了"),
    _f("violence", r"(?:hit|punched|slapped|kicked|beat) me\b|got a (?:knife|gun|hammer|machete)|has a (?:knife|gun)"),
    _f("cold_exposure", r"冻了一(?:宿|夜|晚上|晚)|冻得梆硬|梆硬|不(?:怎么)?(?:发抖|打颤|哆嗦)了", r"found (?:cold|freezing)|very cold (?:and|,)"),
    _f("heat_illness", r"热得像蒸笼|像蒸笼一样|蒸笼"),
    _f("electrocution", r"(?:踩|碰|摸|抓)(?:到)?[^,，。]{0,8}电线[^,，。]{0,8}(?:倒|电|不动)", r"(?:touched|grabbed|hit) (?:a |the )?(?:power line|power cable|live wire|power lines)"),
    _f("trapped_water", r"被困[^,，。]{0,10}(?:水|车|屋|楼|顶)|困在[^,，。]{0,8}(?:车|屋|楼|房|顶)|水(?:已经)?(?:到|淹到|漫到|涨到)(?:了)?(?:胸口|脖子|下巴|腰|二楼|三楼|屋顶|房顶)|(?:抬不走|搬不动|出不来)[^。]{0,8}(?:水|船)|快派船",
       r"water (?:is )?(?:still )?rising|trapped\W+(?:[\w']+\W+){0,5}?(?:water|flood|car)|(?:cant|cannot) swim|on the roof[^.]{0,40}water"),
    _f("abdomen_worse", r"(?:痛|疼)(?:到|得)[^,，。]{0,4}打滚|打滚"),
    _f("abdominal_pain", r"(?:sharp|sudden|severe|stabbing) pain (?:on|in) one side|one-sided pain|shoulder (?:tip )?(?:pain|hurts)"),
    _f("skin_peeling", r"大片[^,，。]{0,4}(?:起)?(?:水泡|脱皮)|(?:嘴里|口腔|眼睛)[^,，。]{0,4}(?:都)?烂", r"skin (?:is )?(?:peeling|blistering|coming off)|blisters all over"),
    _f("no_food", r"只剩[^,，。]{0,4}(?:饼干|方便面|挂面)|(?:米|水|吃的)(?:也|都)?快没了|冇米|冇水|雪柜(?:都)?空"),
    _f("child_alone", r"留下(?:一个|个)?[^,，。]{0,6}(?:娃|孩子|小孩|儿子|女儿)"),
    _f("home_alone", r"一个人在(?:家|屋头|屋里|家里)", r"alone at home|home alone|(?:by|on) (?:her|him|them)sel(?:f|ves) at home"),
    # Third: what the sixth blind set showed, measured before it joined (docs/ledger.md).
    _f("stroke_name", r"zhong ?feng|中峰(?=了|啦)", disease=True),
    _f("palpitations", r"心(?:里|里头)?(?:发)?慌(?:得很|得厉害|得不行)?|心(?:跳)?[^,，。]{0,4}(?:乱七八糟|乱跳|跳得乱)"),
    _f("dizzy", r"眼前[^,，。]{0,4}发黑|(?:站起来|起身|一站)[^,，。]{0,3}(?:就)?晕|晕了一下|一阵(?:阵)?(?:发)?晕"),
    _f("stroke_sign", r"(?:左|右)?(?:边)?(?:嘴|脸)[^,，。]{0,3}(?:不对称|一边高一边低)",
       r"face (?:is )?(?:not even|uneven|not straight|lopsided|crooked)|(?:cant|could not|unable to) say (?:my|his|her|our) name|(?:keeps|kept) dropping (?:the|her|his) (?:cup|glass|spoon|phone|chopsticks)"),
    _f("fall", r"(?:从|在)[^,，。]{0,6}滚(?:下来|下去)|倒勒地(?:浪|上)|跌勒地(?:浪|上)|跌倒勒"),
    _f("bleed_gi", r"柏油(?:一样|似的|样)"),
    _f("overdose", r"(?:胰岛素|insulin)[^。]{0,12}(?:打错|打多|多打|十倍|几倍|双倍|打了两次)|打了(?:平时的)?[^,，。]{0,3}(?:十|几|两|好几)倍",
       r"\b(?:took|taken|swallowed)\b[^.;]{0,20}\b\d{2,} (?:\w+ )?(?:pills|tablets|capsules)|(?:too much|double|ten times|10x|wrong dose of) insulin|insulin overdose"),
    _f("toxic_source", r"(?:采|捡|摘)(?:的|来的)?[^,，。]{0,4}(?:菌子|蘑菇)|野生菌|菌子|(?:客厅|屋里|屋头|室内|家里|楼道|楼下)[^,，。]{0,6}(?:开|用|放)?[^,，。]{0,2}发电机|发电机[^,，。]{0,6}(?:屋里|室内|客厅)",
       r"(?:picked|foraged|wild) (?:mushrooms?|fungi)|generator (?:in|inside) (?:the )?(?:flat|house|living room|garage)"),
    _f("confusion", r"看见小人|看到小人|幻觉|答应不清|(?:叫|喊)(?:他|她)?只(?:哼|嗯)了?一声|哼哼唧唧", r"hallucinat\w*|seeing things|very slow and confused"),
    _f("burn_severe", r"(?:碱|酸|管道疏通剂|疏通剂|洁厕灵|消毒液|石灰|漂白水)[^,，。]{0,8}(?:溅|进|喷|弄)[^,，。]{0,4}(?:眼|脸)",
       r"chemical burn|(?:acid|lye|bleach|drain cleaner|oven cleaner|caustic)[^.;]{0,30}\b(?:eyes?|face)\b"),
    _f("burn", r"(?:碱|酸|管道疏通剂|疏通剂|洁厕灵|石灰)[^,，。]{0,8}(?:溅|进|喷)", r"chemical burn|splash\w*[^.;]{0,30}(?:in|into) (?:his|her|my) eyes?"),
    _f("suicidal", r"(?:站|坐|爬)在(?:了)?[^,，。]{0,3}(?:楼顶|天台)|(?:跟|和|向)[^,，。]{0,4}(?:告别|道别|永别|说再见)|割(?:了|破|开)?(?:手腕|腕|脖子|动脉)", worry_counts=True),
    _f("breath_severe", r"气(?:好|很|特别|太)急|喘(?:得)?(?:好|很)急|(?:胸口|肋骨|肚皮)[^,，。]{0,6}(?:凹|陷)(?:落去|下去|进去)?|嘴唇[^,，。不没无]{0,4}(?:蓝|紫|青|乌)",
       r"grunt\w*|(?:colou?r|skin|face|lips) (?:looks |is |are |turning )?(?:grey|gray|blue|dusky)"),
    _f("infant", r"(?<![a-z])bb(?![a-z])|bb仔"),
    _f("unresponsive", r"(?:叫|喊)不(?:太|大)醒|叫(?:伊|侬|他|她)?(?:也|都)?(?:勿|呒)(?:应|响|醒)|一动勿动"),
    _f("motionless", r"一动勿动"),
    _f("violence", r"(?:被|用|拿)[^,，。]{0,4}(?:砖头|石头|棍子|锤子|酒瓶|铁锹)[^,，。]{0,3}(?:砸|打|敲)|打起来[^。]{0,12}(?:血|砸|刀|倒)"),
    _f("fall_injury", r"砸(?:了|到|破|伤)?[^,，。]{0,2}(?:头|脑袋|脑壳)"),
    _f("cold_exposure", r"(?:倒|躺|坐|睡|趴|醉倒)(?:在)?(?:了)?(?:雪地|雪里|雪堆|冰上|外面|路边)|冻硬|冻僵",
       r"(?:in|into|stayed in|standing in) (?:the )?(?:cold|icy|freezing|flood) water|shivering\W+(?:[\w']+\W+){0,2}?then stopped"),
    _f("fever", r"烫手|摸着(?:都)?烫|身上(?:好|很)?烫"),
    _f("fainted", r"(?:人|他|她|老人|大白|志愿者|保安|医生|师傅|大爷|大妈|奶奶|爷爷|老伯)[^,，。]{0,6}倒(?:了|下了?|地)(?=[,，。!！]|$)"),
    _f("seizure", r"抽了(?:两|几|一)下|抽了几次"),
    _f("vomiting", r"(?:刚才|刚刚|又|还|都)吐了|吐了(?=[,，。!！]|$)", r"\bvomited\b|threw up"),
    _f("abdomen_red", r"(?:痛|疼)[^,，。]{0,4}(?:往|到|窜到|连着)(?:后)?背", r"(?:goes|going|spreads?|spreading|radiat\w*|moves?) (?:to|into|through) (?:his|her|the) back|aneurysm"),
    _f("abdomen_worse", r"越来越(?:疼|痛)|弯着腰|直不起(?:腰|身)|右下腹|右下边|右下肚", r"getting worse|worse and worse|right lower|bent over|cant stand up straight"),
    _f("testicle", r"睾丸|蛋蛋|阴囊|下面(?:那里)?(?:蛋)?(?:肿|疼)", r"testic\w*|scrot\w*|\bballs?\b"),
    _f("headache_sudden", r"(?:最|从来没这么)(?:痛|疼)的一次|像被(?:人)?(?:用)?(?:锤子|榔头|棍子)砸|一下子来的|头疼欲裂|头痛欲裂"),
    _f("stiff_neck", r"脖子(?:发)?(?:硬|僵)|颈(?:部|子)?(?:发)?(?:硬|僵)|脖子转不动", r"stiff neck|neck\W+(?:[\w']+\W+){0,2}?stiff"),
    _f("sepsis_skin", r"压(?:着)?(?:也|都)?不(?:褪|退|消)", r"(?:rash|spots)\W+(?:[\w']+\W+){0,3}?(?:stays?|remains?|still there) when (?:i |you )?press|press\w* a glass"),
    _f("dehydrated", r"(?:人)?蔫(?:巴|了)", r"eyes (?:are |look )?sunken"),
    _f("weak", r"蔫巴|蔫了"),
    _f("no_food", r"冰箱(?:头|里)?(?:都)?空|就吃了一(?:包|点|个)", r"fridge is empty|empty fridge"),
    _f("no_water", r"一滴水都没|停水"),
    _f("no_power", r"停暖|没有(?:电暖器|取暖器|暖气)|家里只有(?:十|几|\d+)度"),
    _f("child_alone", r"(?:就|只)(?:剩|有)(?:下)?[^,，。]{0,5}(?:儿子|女儿|闺女|娃娃|弟弟|妹妹)(?:一个人)?|我是小学生|家里就我和(?:弟弟|妹妹)|(?:爸爸妈妈|爸妈|父母)[^,，。]{0,8}没回来"),
    _f("unreachable", r"呒(?:没)?人接|冇人听"),
    _f("wandering", r"(?:go|goes|going|get|gets) out at night|tries to (?:go|get) out"),
    _f("stroke_sign", r"讲唔(?:到|出|清楚?)嘢|讲嘢唔清|口(?:都)?歪(?:埋|咗|了)|嘴(?:都)?歪埋"),
    _f("labour", r"穿(?:咗|了)羊水|羊水穿(?:咗|了)|破咗水|(?:看|见)(?:得)?到[^,，。]{0,4}(?:孩子|宝宝|胎儿|娃)的?头|(?:孩子|宝宝|胎儿)的?头[^,，。]{0,4}(?:出来|露出)|羊水[^,，。]{0,4}(?:绿|黄绿|浑)|脐带[^,，。]{0,6}(?:出来|掉出|露出|脱出)",
       r"(?:see|seeing|can see) the (?:baby'?s )?head|(?:head|baby) is (?:coming|crowning)|crowning|(?:waters?|fluid) (?:is |was |were )?(?:green|brown|dirty)|green waters|cord (?:is )?(?:hanging|coming) out|prolapsed cord"),
    _f("allergy", r"遭[^,，。]{0,4}(?:蜂|马蜂子?|黄蜂|虫)[^,，。]{0,2}(?:叮|蛰|蜇|咬)|马蜂子|(?:吃|打|输|用)了?新(?:开)?的?(?:药|针|抗生素)",
       r"(?:took|taken|started|had|given|on) (?:the |a |his |her |my )?new (?:antibiotic|medicine|medication|drug|pill|tablet|injection)"),
    _f("airway_swelling", r"嘴皮子?[^,，。]{0,3}肿|喉咙[^,，。]{0,4}(?:锁住|关上|合上)", r"throat\W+(?:[\w']+\W+){0,2}?(?:squeezed|closed|closing) (?:shut|up)?"),
    _f("dizzy", r"脑壳昏|头昏脑胀|脑壳晕"),
    _f("suicidal", r"(?<![a-z])bxhl(?![a-z])|不想活|东西都送人|把东西都送(?:了)?人|(?:腿|脚)(?:都|已经)?(?:在|伸到|伸出|跨到|跨出|悬在)(?:了)?(?:窗外|栏杆外|楼外|阳台外)|(?:坐|站|蹲)在[^,，。]{0,3}(?:窗台|窗户|栏杆|天台边|楼顶边)",
       r"(?:legs?|feet) (?:are )?(?:outside|over|out of) the (?:window|railing|balcony)|last time i (?:order|call|ask)|(?:the )?pills are (?:on the table|ready|laid out)", worry_counts=True),
    _f("found_down", r"(?:人|他|她|老人|老头|老太)倒(?:了|下了?|在地上?)[^,，。]{0,3}(?:不动|没动静|一动不动|没反应)"),
    _f("unresponsive", r"叫(?:了|他|她)?(?:也|都)?不(?:太|怎么)应", r"hardly (?:responding|responsive|reacting)|barely (?:responding|responsive|awake|reacting)"),
    _f("breath_severe", r"呼吸[^,，。]{0,2}(?:一停一停|停停|断断续续|时有时无)",
       r"(?:chest|ribs?|tummy|belly)\W+(?:[\w']+\W+){0,2}?(?:suck|pull|draw|sink)\w* in|(?:noise|sound|whistl\w*|squeak\w*|wheez\w*|rasp\w*) when (?:he |she |they |the baby )?(?:breath\w*|breathes) in|harsh noise"),
    _f("overdose", r"(?:孩子|娃|娃儿|宝宝|小孩|儿子|女儿|孙子|孙女|外孙)[^,，。]{0,4}把?[^,，。]{0,8}药[^,，。]{0,4}(?:吃了|吞了|吃掉|偷吃|当糖)|吃了好几片|(?:地高辛)[^,，。]{0,20}(?:看[^,，。]{0,4}黄|发黄|吐)|看(?:东西|什么)?都(?:是|发)?黄",
       r"digoxin\W+(?:[\w']+\W+){0,8}?(?:yellow|vomit\w*)|sees? (?:everything )?yellow|yellow vision"),
    _f("medicine_out", r"(?:今天|今晚|明天|明早)(?:就)?(?:没有|没得|没|莫得|断)(?:了)?" + DRUGS),
    _f("no_food", r"(?:吃的|饭|粮|米|菜)(?:都|也)?没(?:有)?了|一点吃的都没"),
    _f("dehydrated", r"脱水|(?:几|两|三|好几)天(?:都)?没(?:怎么|有)?(?:喝水|喝过水|进水)|(?:水|东西)(?:都)?喝不进(?:去)?|不肯喝水|(?:一天|半天|好久)(?:都)?没(?:有)?(?:尿|小便)|尿(?:不出|很少|没了)|嘴唇干(?:裂|得起皮)|眼窝(?:都)?(?:凹|陷)",
       r"dehydrat\w*|(?:not|has not|hasnt|hardly|barely) (?:been )?drink\w*|(?:no|not) (?:passed )?(?:urine|wee|pee)\w*|not peed|sunken eyes|lips (?:are )?(?:cracked|parched)"),
    _f("no_power", r"停电", r"power(?:'s| is) out|no electricity|lights are out"),
    _f("heart_event", r"心机梗(?:塞|死)?|心肌埂|心埂", disease=True),
    _f("pain_again", r"(?:同样|一样|那种|上次那样)的?(?:疼|痛)[^,，。]{0,3}又|又(?:开始)?(?:疼|痛|犯)(?:了|起来)|老毛病又犯",
       r"(?:same|that|the) pain\W+(?:[\w']+\W+){0,2}?(?:again|is back|came back)|pain is back"),
    _f("sepsis_skin", r"(?:压|按)[^,，。]{0,6}(?:也|都)?(?:不|没)(?:褪|退|消|变白)|紫(?:红)?色[^,，。]{0,3}(?:小)?(?:点|斑|疹)",
       r"(?:does not|doesnt|did not|wont) (?:fade|go away|blanch) (?:under|with|when)|glass test|non-?blanching"),
    _f("fever", r"(?:burning|very|really|so) hot to (?:the )?touch|skin (?:is )?burning|浑身滚烫|滚烫"),
    _f("elderly", r"老两口|老夫妻|两个老人|老汉儿|老汉|老头子|阿婆|阿伯|王伯|李婆婆|\S婆婆|\S大爷|阿爷|阿嬷|老人家", r"\buncle \d{2}\b|\b(?:8|9)\d(?:-year-old| years old| yo)\b"),
    # Urgent needs: someone who cannot fend for themselves without food, water, power or care.
    _f("no_food", r"没(?:有)?(?:吃的|饭|米|粮|菜|东西吃)(?:了|吃)?|断粮|饭(?:也)?没(?:了|得吃)|(?:吃的|粮食|米面)[^,，。]{0,3}(?:吃完|没了|断了)|(?:一天|两天|几天|好几天)(?:都)?没(?:吃|进食)|饿了(?:一天|两天|几天)|冇(?:嘢)?食|莫得(?:吃的|饭)",
       r"no food|nothing (?:left )?to eat|out of food|no more food|ran out of food|has not eaten|hasnt eaten|have not eaten|not eaten (?:since|for)|no meals?"),
    _f("no_water", r"(?:水|饮用水)(?:也)?(?:喝完|没)了|没(?:有)?水(?:喝|了)|断水|停水[^,，。]{0,8}(?:没|卧床|瘫)", r"no (?:drinking )?water|out of water|ran out of water|water (?:is )?(?:off|cut)"),
    _f("no_power", r"停电|断电|没电了|电(?:也)?停了|没(?:有)?(?:暖气|取暖|风扇|空调)|暖气(?:坏|停|没)|冻得受不了|热得受不了",
       r"power (?:cut|outage|is off|went off|failure)|no (?:power|electricity|heating|heat|fan|ac|air ?con)|blackout|heating (?:broke|is off|failed|not working)"),
    _f("medical_power", r"制氧机|氧气机|呼吸机|吸痰器|气垫床|充气床垫|防褥疮床垫|雾化器|透析机|营养泵|输液泵",
       r"oxygen (?:concentrator|machine)|ventilator|bipap|cpap|suction (?:machine|pump)|air mattress|feeding pump|home dialysis|infusion pump"),
    _f("child_alone", r"(?:家里|屋头|屋里|家中)?(?:就|只)(?:剩|有)(?:下)?(?:个|一个|两个)?[^,，。]{0,4}(?:小孩|孩子|娃|娃儿|小娃|小朋友|儿童|小学生)|(?:小孩|孩子|娃儿?|小娃儿?|小朋友)[^,，。]{0,3}一个人在(?:家|屋)|(?:大人|父母|爸妈|爸爸妈妈|两口子)[^,，。]{0,8}(?:隔离|拉走|带走|送走|被拉去)|没(?:有)?大人(?:管|在)",
       r"(?:kid|child|boy|girl|children|kids)\b[^.;]{0,30}\balone (?:at home|in the (?:flat|apartment|house))|(?:home|left) alone\b[^.;]{0,30}\b(?:kid|child|boy|girl|year old)|parents? (?:were|was|are|got|have been) (?:taken|sent|moved|put)|no adult"),
    _f("formula", r"(?:特殊|专用|早产儿|水解|无乳糖|氨基酸|深度水解|防过敏)[^,，。]{0,4}奶粉|奶粉[^,，。]{0,8}(?:喝完|没了|断了|只剩)",
       r"(?:special|prescription|hypoallergenic|lactose-free|amino acid|preemie|premature|hydroly[sz]ed) (?:baby )?(?:formula|milk)|formula\W+(?:[\w']+\W+){0,3}?(?:ran out|run out|finished|gone|left)"),
    _f("dementia", r"老年痴呆|痴呆|失智|认知症|阿尔茨海默|老糊涂了?", r"dementia|alzheimer'?s?|memory (?:problems|loss)", disease=True),
    _f("wandering", r"(?:半夜|夜里|晚上|深夜|凌晨)[^,，。]{0,8}(?:出去|出门|开门|往外走|跑出去|走丢|乱走)|(?:走丢|走失)", r"(?:going|goes|wander\w*|walk\w*|gets?) (?:out|off|away)\W+(?:[\w']+\W+){0,3}?(?:at night|in the night)|(?:at night|in the night)\W+(?:[\w']+\W+){0,3}?(?:wander\w*|goes out|going out|leav\w+)|wander\w* off|got lost"),
    _f("unreachable", r"(?:电话|手机)[^,，。]{0,6}(?:勿接|唔接|冇人接|莫得人接|打不进|没人听)|(?:一直|都)(?:没|不|勿|唔)(?:接|回|听)(?:电话)?", r"(?:nobody|no one) (?:has )?(?:reached|heard from|seen)|rings? out|goes (?:straight )?to voicemail|(?:phone|calls?) (?:just )?rings?\b"),
    _f("medicine_out", r"(?:只剩|只够|只有)(?:吃)?(?:到)?(?:今天|明天|今晚|明早|最后)|(?:明天|今天|今晚|明早)(?:就)?(?:断顿|断药|没了|没得吃|吃完|用完|莫得了|没有了)|莫得了|(?:就|只)剩(?:一|两|最后一)(?:顿|片|粒|支|针|天)",
       r"only (?:one|1|two|2|a few|the last)\W+(?:[\w']+\W+){0,2}?(?:tablets?|pills?|doses?|days?|injections?|pens?) left|down to (?:today'?s|the last|his last|her last|one)|(?:none|nothing) left (?:for )?(?:tomorrow|tonight)|(?:will )?run(?:s)? out (?:today|tomorrow|tonight)|(?:tomorrow|tonight) (?:he|she|we)(?:'ll| will)? (?:have|has) none"),
    # Someone unwell, said no more precisely: a danger cue for the safety net, not a sign.
    _f("unwell", r"不(?:太|大|怎么)?舒服|不(?:太|大)?对劲|(?:人|身体|情况|状态|样子|脸色)(?:很|特别|有点|不太)?(?:不好|不对|不行)|快不行了|不行了|难受|出事了|出了事|没精神|蔫了|病了|病倒|唔舒服|唔妥|不得劲|不好受",
       r"\bunwell\b|not (?:feeling )?(?:well|right|good)|something(?:'s| is) (?:wrong|not right|off)|feel(?:s|ing)? (?:bad|awful|terrible|strange|funny|weird)|\bsick\b|\bpoorly\b|in a bad way|\bill\b"),
    _f("help_cry", r"喊救命|呼救|叫救命|救命", r"(?:calling|shouting|screaming|crying|cries|cried|yelling) (?:out )?for help|heard (?:him|her|someone) (?:shout|call|cry|scream)\w* (?:for )?help", worry_counts=True),
]  # fmt: skip

BY_CODE = {f.code: f for f in FINDINGS}
# Findings that tell of a person in danger without deciding a sign: standing alone, they make
# the safety net's call-back (`triage.assess`).
DANGER_CUES = frozenset(
    {
        "unwell", "dizzy", "weak", "vomiting", "headache", "abdominal_pain", "sweating",
        "tremble", "cant_get_up", "bleed_any", "rigors", "confusion", "breath_mild",
        "fall", "fall_injury", "help_cry", "infection", "radiating", "vision", "motionless",
        "dehydrated", "cold_exposure", "heat_illness", "swelling", "rash_all", "sepsis_skin",
    }
)  # fmt: skip
