"""Whether what was said stands: a finding may be negated ("没有胸痛", "no chest pain"), past
("上周心梗放了支架", "去年中风过"), cleared by a doctor ("医院查过了没事"), a standing condition
("他中风后卧床"), a figure of speech ("the noise is giving me a heart attack"), a hypothetical
or a worry ("万一晚上胸痛怎么办"), or a topic ("中风有什么症状"). Recent, resolved and narrowly
missed events ("昨天晕倒了一次", "刚才胸口疼，现在好了", "差点晕倒") stand, but weaker.

Every cue is looked for in the finding's own clause: a comma, a full stop or a word of contrast
ends the reach of a negation or a time word.
"""

import re
from dataclasses import dataclass

STANDS = "present"
WEAKER = ("recent", "resolved", "near")  # stands, at most urgent
SET_ASIDE = ("negated", "past", "cleared", "condition", "figure", "hypothetical", "topic", "thing")


@dataclass(frozen=True)
class Status:
    state: str  # STANDS, one of WEAKER or one of SET_ASIDE
    cue: str = ""


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    found = None
    for found in pattern.finditer(text):  # noqa: B007 - the last match is the nearest one
        pass
    return found


# Negation, ending at most four characters (Chinese) or three words (English) before the finding.
# Negation ending at most four characters (Chinese) or three words (English) before the finding.
# The Chinese cues may look into the finding itself: 不 negates 不发烧 but not 不停地抽.
_NEG_ZH = re.compile(
    r"没有|(?<!是)不是|并非|否认|从没|从来没|未曾|不再|(?<!还)没(?!想到|多久|一会|过多久|办法|法|人|注意|几天|等|来得及|敢|过多|醒)|无(?!法|缘无故)|未"
    r"|不(?=太|怎么|觉得|感觉|算|会|曾|用|发|痛|疼|闷|喘|晕|抽|流|吐|咳|肿|烧|见|像|胸|头|心|肚|腹|气|呼|恶|咯|拉|便|出|摔|跌|昏|冒)"
    r"|没(?:有)?人(?=(?:有|会|在)?$)|谁(?:都|也)没(?:有)?"
)
_NEG_EN = re.compile(
    r"\b(?:no|not|never|without|denies|denied|deny|nor|none|nobody|no one|noone|neither|negative for|free of|no longer|no sign of|no signs of|nothing like)\b"
    r"(?!\s+(?:sure|certain|only|matter|idea|doubt|one|answer))"
    r"(?:\W+(?!(?:but|and|then|so|because|now|until|just|only|except|though|although|yet|still|suddenly)\b)[\w']+){0,6}?\W*$"
)
_UNSURE_EN = re.compile(
    r"\b(?:not sure|not certain|do not know|no idea|cant tell)\b(?:\W+[\w']+){0,6}?\W*$"
)

# Time.
_PAST_ZH = re.compile(
    r"上(?:个)?(?:周|星期|礼拜|月)|去年|前年|(?:[\d几一二两三四五六七八九十半]+|好几|十几)(?:年|个月|个多月|周|星期|礼拜)(?:前|以前|之前)|"
    r"以前|之前|曾经|早年|当年|那年|那次|上次|上回|年轻(?:时|的时候)|小时候|以往|既往|多年前|早些年|早几年|\d{4}年|前些年"
)
_RECENT_ZH = re.compile(r"昨天|昨晚|昨夜|前天|前几天|前两天|那天|大前天|前阵子")
_NOW_ZH = re.compile(
    r"现在|今天|今早|今晚|今天早上|刚才|刚刚|这会儿|此刻|突然|又|正在|一直|还在|还是|到现在|至今|从.{0,4}(?:起|开始)|开始|持续|越来越"
)
_PAST_EN = re.compile(
    r"\blast (?:week|month|year|time|spring|summer|autumn|winter)\b|\b(?:\d+|a|an|one|two|three|four|five|six|few|several|many|some) (?:years?|months?|weeks?) ago\b|"
    r"\bin (?:19|20)\d\d\b|\bpreviously\b|\bonce had\b|\bused to\b|\bback in\b|\ba while (?:back|ago)\b|\b(?:years|months|long|ages) ago\b|\bin the past\b|\byears back\b|\bwhen (?:he|she) was young"
)
_RECENT_EN = re.compile(
    r"\byesterday\b|\blast night\b|\bthe other day\b|\b(?:a )?(?:few|couple of|two|2|3|three) days ago\b"
)
_NOW_EN = re.compile(
    r"\bnow\b|\btoday\b|\btonight\b|\bjust\b|\bsuddenly\b|\bagain\b|\bstill\b|\bright now\b|\bsince\b|\bkeeps?\b|\bstarted\b|\bgetting worse\b|\bcurrently\b"
)
# "not, thank God, having any of that chest pain anymore"
_NOT_EN = re.compile(r"\b(?:not|never|no longer)\b")
_NEG_AFTER_EN = re.compile(r"^\W*(?:[\w']+\W+){0,2}?(?:anymore|any more)\b")
_RECENT_AFTER_EN = re.compile(
    r"^\W*(?:[\w']+\W+){0,4}?(?:yesterday|last night|(?:two|2|three|3|a few|few|couple of) days ago)\b"
)
_PAST_AFTER_EN = re.compile(
    r"^\W*(?:[\w']+\W+){0,4}?(?:last (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|in (?:19|20)\d\d|(?:(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|several|many|some) )?(?:years?|months?|weeks?) ago|long ago|last (?:year|month|week)|years back)\b"
)
_EXPERIENCED = re.compile(r"^(?:了)?过(?!来|去|气|敏|后|头|度|分)|^[^,，。]{0,2}(?:病史|的病史|史)")

# A standing condition.
_CONDITION_AFTER_ZH = re.compile(
    r"^(?:的)?(?:后遗症|病史|史|病人|患者|老病人|的病人|老人|老太太|老太|老头|多年|好多年|十几年|好几年|的毛病|毛病|老毛病|病友|康复|恢复期|偏瘫)"
)
_CONDITION_AFTER_DISEASE_ZH = re.compile(
    r"^(?:过)?(?:以)?(?:后|之后)(?!来)|^(?:好|很)?(?:几|多|十几)?年了|^(?:的)?(?:人|病)"
)
_CONDITION_BEFORE_ZH = re.compile(
    r"(?:有|患有|患|得过|得了|确诊(?:为|了)?|诊断(?:为|有)?|因为|因|是个|是一个|一个|属于|对)[^,，。]{0,3}$"
)
_MEDICINE_AFTER = re.compile(
    r"^[^,，。]{0,3}(?:药|的药|药物|用药|针|胰岛素)|^\W*(?:\w+\W+)?(?:medication|medicine|meds|pills?|tablets?|prescription|drugs?|injections?)\b"
)
_MEDICINE_BEFORE = re.compile(r"(?:治|防治)[^,，。]{0,2}$|\bfor (?:his|her|my|their )?$")
# Findings about medicines themselves: "吃了一整瓶安眠药" is an overdose, not a mention of one.
_ABOUT_MEDICINE = frozenset(
    {"overdose", "poison", "medicine_out", "oxygen_down", "allergy", "exposure"}
)
_CONDITION_AFTER_EN = re.compile(
    r"^\W*(?:patients?|survivors?|sufferers?|history|clinic|ward|nurse|team|rehab\w*|recovery|check-?up)\b"
)
_CONDITION_BEFORE_EN = re.compile(
    r"(?:\bhistory of|\bsince (?:his|her|my|the)|\bafter (?:his|her|my|the)|\bpost-?|\b(?:has|have|had) had (?:a |an )?|\bhas (?:a |an )?|\bwith (?:a |an )?|\bis (?:a |an )?|\bsuffers? from|\bdiagnosed with|\ballergic to|\bknown)\W*(?:[\w']+\W+)?$"
)

# Figures of speech, hypotheticals, topics.
_FIGURE_ZH = re.compile(
    r"(?:气|吓|烦|急|愁|吵|闹|笑|累|被.{0,4}气)(?:得|死|的)[^,，。]{0,8}(?:都要|快要|都快|要.{0,3}了|似的|一样)|(?:都要|快要|都快|简直要?|差点被)[^,，。]{0,3}$"
)
_FIGURE_EN = re.compile(
    r"(?:giv\w*|give)\s+(?:me|you|him|her|us|everyone|them)\s+(?:a\s+)?$|(?:nearly|almost)\s+(?:had|have|gave\s+\w+)\s+(?:a\s+)?$|"
    r"\b(?:killing|kill) me\b|\bdying (?:for|to)\b|\bto death\b|\bscared\b.{0,20}$|\bwould die\b|\bjoke\b"
)
_LAUGH = re.compile(r"哈哈|呵呵|嘿嘿|笑死|\bha(?:ha)+\b|\blol\b|\bhehe\b|\blmao\b|😂|🤣|💀|😅|😆")
_IDIOM_ZH = re.compile(r"股市|股票|基金|大盘|开门红|生意")
# Shops "bleed" prices: 超市今天大出血, 便宜得想吐血.
_COMMERCE = re.compile(
    r"贵得|太贵|电费|水费|话费|双十一|双11|购物|剁手|团购|💸|便宜|打折|促销|特价|甩卖|降价|涨价|价格|价钱|费(?:又)?涨|优惠|\bsale\b|discount|price"
)
_COMMERCE_FINDINGS = frozenset({"bleed_heavy", "bleed_any"})
# 心疼 of money: "这个月电费把我心疼坏了".
_MONEY = re.compile(
    r"电费|水费|燃气费|物业费|房租|话费|缴费|交费|花(?:了)?(?:好多|很多)?钱|多少钱|\bbills?\b"
)
_BUSY_ZH = re.compile(r"(?:忙|压力大|烦|吵)(?:得|到)(?:人|我)?[^,，。]{0,2}$|(?:让人|令人|叫人)$")
_LIFE_ZH = re.compile(
    r"口罩|防护服|面罩|\bmask\b|暖气|屋里闷|房间闷|stuffy|heating|工作|学习|生活|压力|房贷|作业|事情多|忙|\bwork\b|\bjob\b|stress|deadline|exam"
)
_SIMILE_EN = re.compile(
    r"(?<!smell )(?<!smells )(?<!looks )(?<!sounds )(?<!seems )(?<!feel )(?<!feels )(?<!felt )(?<!feeling )\b(?:like|as if|as though)\b(?:\W+[\w']+){0,3}?\W*$"
)
_SIMILE_ZH = re.compile(r"(?:(?<!好)像(?!是)|跟|和|同|如同)[^,，。]{0,4}$")
_SIMILE_AFTER_ZH = re.compile(r"^[^,，。]{0,4}(?:一样|似的|一般)")
# Said of a thing: "手机没反应", "my phone is not responding".
_THING = re.compile(
    r"手机|电脑|电视|网络|网|系统|(?<!血)水(?=一直|在|哗哗|往外|从)|\bwater (?:is|keeps)\b|遥控|机器|网站|程序|屏幕|门铃|电梯|灯|打印机|路由器|冰箱|洗衣机|空调|微信|app\b|"
    r"\bphone\b|\bwifi\b|computer|\btv\b|\bapp\b|website|machine|printer|router|doorbell|\blift\b|elevator|remote|screen|internet|network|laptop|fridge"
)
_PERSON = re.compile(
    r"他|她|人|老|爸|妈|爷|奶|婆|公|孩|娃|宝|\bhe\b|\bshe\b|\bhim\b|\bher\b|\bdad\b|\bmum\b|\bmom\b|\bfather\b|\bmother\b|grand|\bson\b|daughter|neighbou?r|husband|wife|friend|baby|child"
)
_PET = re.compile(
    r"(?<!跟)(?<!像)狗(?!叫一样|叫似的)|猫|宠物|兽医|鹦鹉|兔子|\bdog\b|\bcat\b|\bpet\b|puppy|kitten|\bvet\b|parrot|rabbit|hamster"
)
_THING_FINDINGS = frozenset(
    {"unresponsive", "not_breathing", "fainted", "seizure", "motionless", "bleed_heavy",
     "bleed_any", "stroke_sign", "stroke_name", "help_cry"}
)  # fmt: skip
# Not lowered by "feels fine" or "until": the pills are inside her, the attacker is still near.
_STAYS = frozenset({"overdose", "poison", "violence", "drowning", "electrocution"})
_JOKE = re.compile(r"开玩笑|说着玩|逗你|\bjoking\b|\bjust kidding\b|\bkidding\b|\bjk\b")
# Someone already in hospital, or already safe: the caller asks for something else.
_HANDLED = re.compile(
    r"已经(?:在|住进了?|送到?了?|送进了?)医院|已经住院|已经出院|出院了|没(?:有)?人受伤|人没事|"
    r"\b(?:nobody|no one) (?:was |got )?(?:hurt|injured)\b|\bdischarged\b|在医院(?:里)?住着|已经报(?:了)?警|安全了|"
    r"\balready in (?:the )?hospital\b|\bin hospital there\b|\bis safe now\b|\bpolice (?:came|have been)"
)
_NEAR_ZH = re.compile(r"(?:差点|差一点|险些|几乎)(?:就)?[^,，。]{0,2}$")
_NEAR_EN = re.compile(r"\b(?:nearly|almost|about to)\W+(?:[\w']+\W+)?$")
# Feeling faint is not fainting: "快晕倒了", "feel like fainting".
_NEAR_FAINT = re.compile(
    r"(?:快|快要|要|感觉要|觉得要|好像要)$|\bfeel(?:s|ing)? (?:like|as if)\W*(?:i\W+|i'm\W+|i am\W+|(?:he|she) (?:is|will)\W+|going to\W+)?$"
)
_HYPO_ZH = re.compile(
    r"(?:万一|如果|要是|假如|假使|(?<!不)担心(?!是)|害怕(?!是)|(?<!恐)怕(?!是|冷|热)|预防|防止|以防|以免|免得|容易|可能会|小心|注意|提醒|将来|以后|下次|怎么防|避免|会不会(?!是)|想(?:装|买|安装|配|换)|(?:装|买)(?:个|一个)|吃了(?:就)?会|不吃(?:就)?会|停(?:了|药)(?:就)?会|一吃就会)[^,，。]{0,10}$"
)
_HYPO_EN = re.compile(
    r"(?:\bin case\b|(?<!sure )(?<!wonder )(?<!know )(?<!see )(?<!check )(?<!ask )\bif\b|\bwhat if\b|\bworried (?:that )?(?:he|she|they|i|we)?\s*(?:might|will|may|could|would)\b|\bafraid (?:that )?(?:he|she|they)?\s*(?:might|will|may|could|would)\b|"
    r"\bprevent\w*\b|\bto avoid\b|\brisk of\b|\bmight\b|\bcould\b|\bmay\b|\bwould\b|\bin the future\b|\bnext time\b|\bwatch out for\b|\bsigns of\b|\bprone to\b)(?:\W+[\w']+){0,6}?\W*$"
)
_TOPIC = re.compile(
    r"\bwhat(?:'s| is) (?:a )?normal\b|正常(?:值|是多少)|多少算正常|预防|防治|\bprevent(?:ion|ing)\b|讲座|宣传|科普|知识|培训|演练|课程|有什么症状|什么症状|症状有哪些|怎么预防|如何预防|怎么判断|什么是|电视上|电视剧|新闻|小说|电影|视频里|报纸|"
    r"\blecture\b|\btraining\b|\bworkshop\b|\bawareness\b|\bleaflet\b|\bbrochure\b|\binformation (?:about|on)\b|\bhow to (?:prevent|recogni[sz]e|spot)\b|\bsymptoms of\b|\bfirst aid (?:course|class)\b|\bpoison (?:information|control|centre|center|hotline|number|line)\b|\bon tv\b|\bin the news\b|\bmovie\b|\bfilm\b|\bnovel\b"
)
_CLEARED = re.compile(
    r"(?:医院|医生|大夫|120|社区医生|急诊)[^,，。]{0,6}(?:查|看|检查)(?:过|了)[^,，。]{0,4}(?:没事|没问题|正常|没大碍)|(?:查|检查|看)(?:过|了)[^,，。]{0,3}(?:没事|没问题|都正常|正常)|已经(?:处理|治疗|看)(?:好|过)了|"
    r"\bdoctor (?:said|says|checked)\b[^.,;]{0,20}(?:fine|ok|okay|nothing|normal)|\bchecked\b[^.,;]{0,12}(?:fine|ok|okay|normal)|医生说[^,，。]{0,8}(?:就好|没事|没问题|正常)|(?:因为|是)[^,，。]{0,6}(?:拔牙|麻药|麻醉|补牙)|\b(?:a&e|er|hospital|gp|clinic|doctors?|nurse) (?:said|says|told|checked)\b[^.;]{0,30}(?:fine|ok|okay|nothing|normal|muscle)|\ball clear\b|\bgiven the all clear\b|false alarm|虚惊一场|误会一场|误报|\b(?:gas company|engineer|plumber|property office)\b[^.;]{0,20}\b(?:checked|fixed|came)\b|(?:燃气公司|物业|师傅)[^,，。]{0,6}(?:查过|看过|修好|检查过)|\b(?:ecg|ekg|x-?ray|scan|tests?) (?:said|says|showed|shows|was|were)\b[^.;]{0,30}(?:fine|ok|okay|normal|muscular|nothing|clear)|心电图[^,，。]{0,6}(?:正常|没事|没问题)"
)
_RESOLVED_ZH = re.compile(
    r"^[^,，。]{0,6}?(?:好了|好多了|好些了|缓解了|缓过来了|消失了|没事了|过去了|停了|止住了|不疼了|不痛了|醒了|醒过来了|恢复了)"
)
_AGAIN = re.compile(r"又|还是|还在|仍|再次|但|可是|\bagain\b|\bstill\b|\bbut\b")
_RESOLVED_NEXT_ZH = re.compile(
    r"^\s*(?:现在|已经|后来|然后|这会儿|过了一会儿?|一会儿)?[^,，。]{0,8}?(?:吃了糖|喝了糖水|喝了果汁|好了|好多了|好些了|缓解了|缓过来了|消失了|没事了|过去了|停了|止住了|不疼了|不痛了|醒了|醒过来了|恢复了)"
)
_RESOLVED_EN = re.compile(
    r"^\W*(?:[\w']+\W+){0,4}?(?:passed|went away|gone|resolved|settled|stopped|better now|is fine|fine now|okay now|ok now|came round|came to|woke up|recovered)\b"
)
_RESOLVED_NEXT_EN = re.compile(
    r"^\W*(?:now|but|and)?\W*(?:(?:it|that|the \w+|pain) (?:has |had )?(?:passed|stopped|went away|settled|gone)|(?:he|she|i)(?:'s| is| am| has| was)? (?:fine|ok|okay|better|recovered)(?: now)?|(?:he|she) (?:came round|came to|woke up)|now (?:he|she|it) is (?:fine|ok|okay|better))\b"
)


REACH = 60


def _negation_zh(text: str, clause_start: int, start: int) -> str:
    """The negation cue whose scope reaches `start`: it ends at most ten characters before,
    with no word between that opens something new ("没吃饭就晕倒了": 就)."""
    if m := _NOBODY_ZH.search(text, max(clause_start, start - 6), start):
        return m.group(0)  # 也没人晕倒
    found = ""
    for m in _NEG_ZH.finditer(text, max(clause_start, start - 14), start + 2):
        if (
            m.start() < start
            and 0 <= start - m.end() <= 10
            and not _STOP.search(text, m.end(), start)
        ):
            found = text[m.start() : start]
    return found


_LASTING_SIGN = re.compile(
    r"\bever since\b|bell'?s palsy|面瘫|面神经炎|\bnothing new\b|一直(?:都)?(?:是)?这样|老样子|好多年了"
)
_HABIT = re.compile(r"每天|天天|每次|每晚|每个早上|\bevery (?:day|morning|night)\b|\balways\b")
_NOBODY_ZH = re.compile(r"(?:没|没有|无)人(?:有|会|在)?$")
# What ends a negation's scope: a clause break, or a word that says something new follows.
_STOP = re.compile(
    r"[,，。;；!！?？、]|但|可是|现在|就|也|还|又|却|才|然后|结果|突然|只是|就是|而是|后来|开始|一下子|"
    r"不一会|没多久|过了"
)


def status(
    code: str,
    disease: bool,
    worry_counts: bool,
    text: str,
    span: tuple[int, int],
    clause: tuple[int, int],
    next_clause: str,
    previous_clause: str = "",
) -> Status:
    """What the context of the finding at `span` (inside `clause`) makes of it."""
    start, end = span
    # Cues are looked for in the clause, at most REACH characters either side: a clause of a
    # 4,000-character text without punctuation stays linear to read.
    before = text[max(clause[0], start - REACH) : start]
    after = text[end : min(clause[1], end + REACH)]
    whole = text[max(clause[0], start - REACH) : min(clause[1], end + REACH)]

    if m := _TOPIC.search(whole):
        return Status("topic", m.group(0))
    if m := _JOKE.search(text):
        return Status("figure", m.group(0))
    if code == "stroke_sign" and (m := _LASTING_SIGN.search(text)):
        return Status("condition", m.group(0))  # a face drooping since a Bell's palsy
    if code == "unresponsive" and (m := _HABIT.search(text, max(0, start - 30), start)):
        return Status("condition", m.group(0))  # 每天早上叫都叫不醒: a habit, not an event
    if m := _HANDLED.search(text, end):
        return Status("cleared", m.group(0))
    if _UNSURE_EN.search(before) is None:
        if cue := _negation_zh(text, clause[0], start):
            return Status("negated", cue)
        if m := _NEG_EN.search(before):
            return Status("negated", m.group(0).strip())
        if (m := _NEG_AFTER_EN.search(after)) and _NOT_EN.search(text, max(0, start - 40), start):
            return Status("negated", m.group(0).strip())
    if not worry_counts:
        figure = (
            _FIGURE_ZH.search(whole)
            or _FIGURE_EN.search(before)
            or _LAUGH.search(whole)
            or _LAUGH.search(next_clause)
            or _IDIOM_ZH.search(whole)
            or _BUSY_ZH.search(before)
            or (code in _COMMERCE_FINDINGS and _COMMERCE.search(text))
            or (code == "chest_pain" and (_MONEY.search(whole) or _MONEY.search(previous_clause)))
            or (code in ("breath_severe", "chest_pain") and _LIFE_ZH.search(whole))
            or _SIMILE_EN.search(before)
            or (_SIMILE_ZH.search(before) and _SIMILE_AFTER_ZH.search(after))
        )
        if figure:
            return Status("figure", figure.group(0).strip())
    # A pet named earlier, and no person in this clause: the clause is still about the pet.
    pet = _PET.search(before) or (
        None if _PERSON.search(before) else _PET.search(text, max(0, start - 3 * REACH), clause[0])
    )
    if pet:
        return Status("thing", pet.group(0))
    if code in _THING_FINDINGS:
        thing = _THING.search(before) or (
            None if _PERSON.search(before) else _THING.search(previous_clause)
        )
        if code == "help_cry" and not thing:  # 救命啊，打印机没墨了
            thing = _THING.search(text)
        if thing:
            return Status("thing", thing.group(0))
    cleared = _CLEARED.search(text, end, end + 3 * REACH)
    if cleared and not (
        _NOW_ZH.search(text, end, cleared.start()) or _NOW_EN.search(text, end, cleared.start())
    ):
        return Status("cleared", cleared.group(0))
    if code not in _ABOUT_MEDICINE and (
        m := _MEDICINE_AFTER.search(after) or _MEDICINE_BEFORE.search(before)
    ):
        return Status("condition", m.group(0).strip())
    condition = _CONDITION_AFTER_ZH.search(after) or _CONDITION_AFTER_EN.search(after)
    if disease:
        condition = (
            condition
            or _CONDITION_AFTER_DISEASE_ZH.search(after)
            or _CONDITION_BEFORE_ZH.search(before)
            or _CONDITION_BEFORE_EN.search(before)
        )
    if condition:
        return Status("condition", condition.group(0).strip())
    if not worry_counts and (m := _HYPO_ZH.search(before) or _HYPO_EN.search(before)):
        return Status("hypothetical", m.group(0).strip())

    # Time: the nearest time word before the finding wins; "…过" after it is the past.
    past = _last(_PAST_ZH, before) or _last(_PAST_EN, before)
    recent = _last(_RECENT_ZH, before) or _last(_RECENT_EN, before)
    now = _last(_NOW_ZH, before) or _last(_NOW_EN, before)
    now_after = _NOW_ZH.search(after) or _NOW_EN.search(after)
    if past and not (now and now.start() > past.start()) and not now_after:
        return Status("past", past.group(0))
    if m := _EXPERIENCED.search(after) or _PAST_AFTER_EN.search(after):
        return Status("past", m.group(0))
    if worry_counts:  # said yesterday, or calmer now: suicidal talk stands as said
        return Status(STANDS)
    if code in _STAYS:
        return Status(STANDS)
    if m := _RESOLVED_ZH.search(after) or _RESOLVED_EN.search(after):
        return Status("resolved", m.group(0).strip())
    later = _RESOLVED_NEXT_ZH.search(next_clause) or _RESOLVED_NEXT_EN.search(next_clause)
    if later and not _AGAIN.search(next_clause, later.end()):
        return Status("resolved", later.group(0).strip())
    if not recent and not now_after and (m := _RECENT_AFTER_EN.search(after)):
        recent = m
    if recent and not (now and now.start() > recent.start()) and not now_after:
        return Status("recent", recent.group(0))
    if code == "fainted" and (m := _NEAR_FAINT.search(before)):
        return Status("near", m.group(0).strip())
    if m := _NEAR_ZH.search(before) or _NEAR_EN.search(before):
        return Status("near", m.group(0).strip())
    return Status(STANDS)
