"""A generator of simple bilingual children's stories: the embedded model's whole training corpus.

Every story is written by this file from a seed, so the corpus is ours (licence: the project's own, see the model
card) and a rebuild is exact. Stories are in English or in Chinese (never mixed within one story). They reuse a few
named characters with the right pronoun (he/she/they, 他/她/它), a place, an object, quoted dialogue and a small
cause-and-effect plot; combinations are drawn at random so the model has to generalise, not memorise.
"""

import random

# (English name, Chinese name, pronoun key). Pronoun keys: f, m, n (an animal friend: "it"/它 in zh, "they" in en).
CHARACTERS = [
    ("Lily", "莉莉", "f"), ("Tom", "汤姆", "m"), ("Mia", "米娅", "f"), ("Ben", "本", "m"),
    ("Anna", "安娜", "f"), ("Sam", "山姆", "m"), ("Lucy", "露西", "f"), ("Jack", "杰克", "m"),
    ("Emma", "艾玛", "f"), ("Leo", "利奥", "m"), ("Nora", "诺拉", "f"), ("Tim", "蒂姆", "m"),
    ("Zoe", "佐伊", "f"), ("Max", "麦克斯", "m"), ("Rosa", "罗莎", "f"), ("Omar", "奥马尔", "m"),
    ("Ivy", "艾薇", "f"), ("Finn", "芬恩", "m"), ("Ella", "艾拉", "f"), ("Kai", "凯", "m"),
]
ZH_CHARACTERS = [
    ("小明", "m"), ("小红", "f"), ("小华", "m"), ("丽丽", "f"), ("乐乐", "m"), ("芳芳", "f"), ("小刚", "m"),
    ("小美", "f"), ("东东", "m"), ("婷婷", "f"), ("小雨", "f"), ("天天", "m"), ("小兰", "f"), ("阿强", "m"),
    ("静静", "f"), ("大伟", "m"), ("朵朵", "f"), ("豆豆", "m"),
]
ANIMALS = [
    ("a little rabbit", "一只小兔子"), ("a small dog", "一只小狗"), ("a kitten", "一只小猫"),
    ("a baby bird", "一只小鸟"), ("a little duck", "一只小鸭子"), ("a tiny mouse", "一只小老鼠"),
    ("a young fox", "一只小狐狸"), ("a slow turtle", "一只慢吞吞的乌龟"),
]
PLACES = [
    ("the park", "公园"), ("the forest", "森林"), ("the beach", "海边"), ("the school", "学校"),
    ("the garden", "花园"), ("the market", "市场"), ("the river", "河边"), ("the library", "图书馆"),
    ("the farm", "农场"), ("the hill", "山坡上"), ("the lake", "湖边"), ("the zoo", "动物园"),
]
OBJECTS = [
    ("ball", "球"), ("kite", "风筝"), ("book", "书"), ("hat", "帽子"), ("box", "盒子"), ("shell", "贝壳"),
    ("cake", "蛋糕"), ("umbrella", "雨伞"), ("flower", "花"), ("toy boat", "玩具船"), ("key", "钥匙"),
    ("map", "地图"), ("cup", "杯子"), ("drum", "鼓"), ("bag", "包"), ("apple", "苹果"),
]
COLOURS = [
    ("red", "红色的"), ("blue", "蓝色的"), ("yellow", "黄色的"), ("green", "绿色的"), ("big", "大大的"),
    ("little", "小小的"), ("shiny", "亮晶晶的"), ("old", "旧旧的"), ("new", "新新的"), ("pink", "粉色的"),
]
FEELINGS = [
    ("happy", "很开心"), ("sad", "很难过"), ("surprised", "很惊讶"), ("tired", "很累"),
    ("excited", "很兴奋"), ("worried", "很着急"), ("proud", "很自豪"), ("scared", "有点害怕"),
]
TIMES = [
    ("One morning", "一天早上"), ("One sunny day", "一个晴朗的日子"), ("One evening", "一天傍晚"),
    ("Once upon a time", "从前"), ("Last summer", "去年夏天"), ("One rainy day", "一个下雨天"),
    ("On Sunday", "星期天"), ("One cold winter day", "一个寒冷的冬日"),
]
WEATHER = [
    ("it began to rain", "天开始下雨了", "umbrella", "雨伞"),
    ("the wind blew hard", "风吹得很大", "coat", "外套"),
    ("it began to snow", "天开始下雪了", "scarf", "围巾"),
    ("the sun was very hot", "太阳非常热", "hat", "帽子"),
]
FOODS = [("cookies", "饼干"), ("bread", "面包"), ("soup", "汤"), ("dumplings", "饺子"), ("a pie", "馅饼")]

EN_PRONOUN = {"f": ("she", "her", "her"), "m": ("he", "him", "his"), "n": ("they", "them", "their")}
ZH_PRONOUN = {"f": "她", "m": "他", "n": "它"}


def cap(text):
    return text[0].upper() + text[1:]


def a_(phrase):
    """English indefinite article: "an old apple", "a red kite"."""
    return ("an " if phrase[0] in "aeiou" else "a ") + phrase


class EnglishStory:
    """Builds one English story; helpers keep pronouns agreeing with the character they refer to."""

    def __init__(self, rng):
        self.rng = rng
        a, b = rng.sample(CHARACTERS, 2)
        self.a, self.b = (a[0], a[2]), (b[0], b[2])
        self.place = rng.choice(PLACES)[0]
        self.thing = rng.choice(OBJECTS)[0]
        self.colour = rng.choice(COLOURS)[0]
        self.time = rng.choice(TIMES)[0]

    def he(self, who):
        return EN_PRONOUN[who[1]][0]

    def him(self, who):
        return EN_PRONOUN[who[1]][1]

    def his(self, who):
        return EN_PRONOUN[who[1]][2]

    def opening(self):
        a, b, r = self.a, self.b, self.rng
        return r.choice([
            f"{self.time}, {a[0]} went to {self.place} with {self.his(a)} friend {b[0]}.",
            f"{self.time}, {a[0]} and {b[0]} played at {self.place}.",
            f"{self.time}, there was a child named {a[0]}. {cap(self.he(a))} lived near {self.place}.",
            f"{self.time}, {a[0]} walked to {self.place}. {cap(self.he(a))} was looking for {b[0]}.",
        ])

    def lost_and_found(self):
        a, b, r, t, c = self.a, self.b, self.rng, self.thing, self.colour
        spot = r.choice(["under a tree", "behind a rock", "in the grass", "next to a bench", "inside a bush"])
        return [
            f"{a[0]} had {a_(c + ' ' + t)}. {cap(self.he(a))} loved it very much.",
            f"But then {a[0]} could not find the {t}. {cap(self.he(a))} was {r.choice(['sad', 'worried'])}.",
            f'"Where is my {t}?" {a[0]} asked.',
            f'{b[0]} said, "Do not worry. I will help you look for it."',
            f"They looked everywhere. At last {b[0]} found the {t} {spot}.",
            f'{a[0]} smiled and said, "Thank you, {b[0]}! You are a good friend."',
            r.choice([f"From that day on, {a[0]} kept the {t} in a safe place.",
                      f"Then {a[0]} and {b[0]} played with the {t} until it was time to go home."]),
        ]

    def sharing(self):
        a, b, r = self.a, self.b, self.rng
        food = r.choice(FOODS)[0]
        return [
            f"{a[0]} brought some {food} in {a_(self.colour + ' ' + r.choice(['bag', 'box', 'basket']))}.",
            f"{b[0]} was hungry, but {self.he(b)} had no food.",
            f"{a[0]} saw that {b[0]} was hungry. {cap(self.he(a))} wanted to share.",
            f'"Would you like some {food}?" {a[0]} asked.',
            f'"Yes, please!" said {b[0]}. "That is very kind of you."',
            f"They ate the {food} together, and both of them felt {r.choice(['happy', 'warm', 'full'])}.",
            f"Sharing made the day better for {a[0]} and {b[0]}.",
        ]

    def weather(self):
        a, b, r = self.a, self.b, self.rng
        event, _, gear, _ = r.choice(WEATHER)
        return [
            f"{a[0]} and {b[0]} were playing with {a_(self.colour + ' ' + self.thing)}.",
            f"Suddenly, {event}.",
            f"{b[0]} did not have {a_(gear)}, so {self.he(b)} felt {r.choice(['cold', 'worried', 'unhappy'])}.",
            f"{a[0]} had {a_(gear)}. {cap(self.he(a))} gave it to {b[0]}.",
            f'"Now we can keep playing," said {a[0]}.',
            f"Because {a[0]} helped, {b[0]} was {r.choice(['happy', 'glad', 'thankful'])}.",
        ]

    def animal(self):
        a, b, r = self.a, self.b, self.rng
        pet = r.choice(ANIMALS)[0]
        trouble = r.choice(["was stuck in a hole", "could not find its mother", "had a hurt leg",
                            "was lost and hungry"])
        return [
            f"At {self.place}, {a[0]} saw {pet}.",
            f"The animal {trouble}.",
            f'"We must help it," said {a[0]}. {b[0]} nodded.',
            f"{a[0]} and {b[0]} worked together. {a[0]} held the {self.thing}, and {b[0]} was very gentle.",
            f"Soon the animal was safe. It looked at {a[0]} and {b[0]} and was not afraid any more.",
            f"{a[0]} felt {r.choice(['proud', 'happy', 'warm inside'])}. {cap(self.he(a))} told "
            f"{self.his(a)} mother about it that night.",
        ]

    def race(self):
        a, b, r = self.a, self.b, self.rng
        winner, loser = (a, b) if r.random() < 0.5 else (b, a)
        return [
            f'{a[0]} said to {b[0]}, "Let us have a race to the {r.choice(["big tree", "river", "gate", "hill"])}!"',
            f"{b[0]} said yes. They counted, one, two, three, and ran.",
            f"{loser[0]} fell down on the way. {cap(self.he(loser))} was {r.choice(['sad', 'hurt', 'tired'])}.",
            f"{winner[0]} stopped and came back to help {self.him(loser)}.",
            f'"The race is not important," {winner[0]} said. "You are my friend."',
            f"They walked to the end together, and they both laughed.",
        ]

    def baking(self):
        a, b, r = self.a, self.b, self.rng
        food = r.choice(["a cake", "some cookies", "a pie", "some bread"])
        return [
            f"{a[0]} wanted to make {food} for {b[0]}.",
            f"{cap(self.he(a))} put flour, milk and eggs in {a_(self.colour + ' bowl')}.",
            f"But {self.he(a)} forgot to watch the oven, and the {food.split()[-1]} got {r.choice(['too hot', 'a little black'])}.",
            f"{a[0]} was {r.choice(['sad', 'worried'])}. {cap(self.he(a))} said, \"Oh no! What can I do?\"",
            f"{b[0]} came in and tasted it. \"It is still good,\" {self.he(b)} said.",
            f"So they tried again, and this time {a[0]} watched the oven. The {food.split()[-1]} was perfect.",
        ]

    def story(self):
        plot = self.rng.choice([self.lost_and_found, self.sharing, self.weather, self.animal, self.race,
                                self.baking])
        return " ".join([self.opening()] + plot())


class ChineseStory:
    """Builds one Chinese story, with 他/她/它 agreeing with each character."""

    def __init__(self, rng):
        self.rng = rng
        self.a, self.b = rng.sample(ZH_CHARACTERS, 2)
        self.place = rng.choice(PLACES)[1]
        self.thing = rng.choice(OBJECTS)[1]
        self.colour = rng.choice(COLOURS)[1]
        self.time = rng.choice(TIMES)[1]

    def ta(self, who):
        return ZH_PRONOUN[who[1]]

    def opening(self):
        a, b, r = self.a, self.b, self.rng
        return r.choice([
            f"{self.time}，{a[0]}和好朋友{b[0]}一起去{self.place}玩。",
            f"{self.time}，{a[0]}和{b[0]}在{self.place}玩。",
            f"{self.time}，有一个孩子叫{a[0]}。{self.ta(a)}住在{self.place}附近。",
            f"{self.time}，{a[0]}走到{self.place}，{self.ta(a)}在找{b[0]}。",
        ])

    def lost_and_found(self):
        a, b, r, t, c = self.a, self.b, self.rng, self.thing, self.colour
        spot = r.choice(["大树下面", "石头后面", "草丛里", "长椅旁边", "灌木丛里"])
        return [
            f"{a[0]}有一个{c}{t}，{self.ta(a)}非常喜欢它。",
            f"可是后来{a[0]}找不到{t}了，{self.ta(a)}{r.choice(['很难过', '很着急'])}。",
            f"“我的{t}在哪里？”{a[0]}问。",
            f"{b[0]}说：“别担心，我来帮你找。”",
            f"他们到处找。最后，{b[0]}在{spot}找到了{t}。",
            f"{a[0]}笑着说：“谢谢你，{b[0]}！你真是我的好朋友。”",
            r.choice([f"从那天起，{a[0]}把{t}放在一个安全的地方。",
                      f"然后{a[0]}和{b[0]}一起玩{t}，一直玩到回家的时候。"]),
        ]

    def sharing(self):
        a, b, r = self.a, self.b, self.rng
        food = r.choice(FOODS)[1]
        return [
            f"{a[0]}带了一些{food}，装在{self.colour}{r.choice(['袋子', '盒子', '篮子'])}里。",
            f"{b[0]}饿了，可是{self.ta(b)}没有带吃的。",
            f"{a[0]}看到{b[0]}饿了，{self.ta(a)}想和{self.ta(b)}分享。",
            f"“你想吃一点{food}吗？”{a[0]}问。",
            f"“好呀，谢谢你！”{b[0]}说，“你真好。”",
            f"他们一起吃{food}，两个人都觉得{r.choice(['很开心', '很温暖', '很饱'])}。",
            f"因为分享，{a[0]}和{b[0]}度过了快乐的一天。",
        ]

    def weather(self):
        a, b, r = self.a, self.b, self.rng
        _, event, _, gear = r.choice(WEATHER)
        return [
            f"{a[0]}和{b[0]}在玩一个{self.colour}{self.thing}。",
            f"突然，{event}。",
            f"{b[0]}没有{gear}，所以{self.ta(b)}{r.choice(['觉得很冷', '很着急', '不开心'])}。",
            f"{a[0]}有{gear}，{self.ta(a)}把{gear}给了{b[0]}。",
            f"“现在我们可以继续玩了。”{a[0]}说。",
            f"因为{a[0]}帮助了{self.ta(b)}，{b[0]}{r.choice(['很开心', '很高兴', '很感激'])}。",
        ]

    def animal(self):
        a, b, r = self.a, self.b, self.rng
        pet = r.choice(ANIMALS)[1]
        trouble = r.choice(["掉进了一个洞里", "找不到妈妈了", "腿受伤了", "迷路了，肚子很饿"])
        return [
            f"在{self.place}，{a[0]}看见了{pet}。",
            f"小动物{trouble}。",
            f"“我们一定要帮助它。”{a[0]}说。{b[0]}点了点头。",
            f"{a[0]}和{b[0]}一起想办法。{a[0]}拿着{self.thing}，{b[0]}动作很轻。",
            f"很快，小动物安全了。它看着{a[0]}和{b[0]}，再也不害怕了。",
            f"{a[0]}觉得{r.choice(['很自豪', '很开心', '心里暖暖的'])}。那天晚上，{self.ta(a)}把这件事告诉了妈妈。",
        ]

    def race(self):
        a, b, r = self.a, self.b, self.rng
        winner, loser = (a, b) if r.random() < 0.5 else (b, a)
        return [
            f"{a[0]}对{b[0]}说：“我们比赛跑到{r.choice(['大树', '河边', '大门', '山坡'])}吧！”",
            f"{b[0]}说好。他们数了一、二、三，就开始跑。",
            f"{loser[0]}在路上摔倒了，{self.ta(loser)}{r.choice(['很难过', '很疼', '很累'])}。",
            f"{winner[0]}停下来，回去帮助{self.ta(loser)}。",
            f"“比赛不重要，”{winner[0]}说，“你是我的朋友。”",
            f"他们一起走到终点，都笑了。",
        ]

    def baking(self):
        a, b, r = self.a, self.b, self.rng
        food = r.choice(["蛋糕", "饼干", "馅饼", "面包"])
        return [
            f"{a[0]}想给{b[0]}做{food}。",
            f"{self.ta(a)}把面粉、牛奶和鸡蛋放进一个{self.colour}碗里。",
            f"可是{self.ta(a)}忘了看烤箱，{food}{r.choice(['烤得太热了', '有一点黑了'])}。",
            f"{a[0]}{r.choice(['很难过', '很着急'])}，{self.ta(a)}说：“哎呀！怎么办呢？”",
            f"{b[0]}走进来尝了尝。“还是很好吃。”{self.ta(b)}说。",
            f"于是他们又做了一次，这次{a[0]}一直看着烤箱。{food}做得好极了。",
        ]

    def story(self):
        plot = self.rng.choice([self.lost_and_found, self.sharing, self.weather, self.animal, self.race,
                                self.baking])
        return "".join([self.opening()] + plot())


def stories(seed, count):
    """`count` stories, alternating languages at random (about half each), reproducible from `seed`."""
    rng = random.Random(seed)
    for _ in range(count):
        yield (EnglishStory(rng) if rng.random() < 0.5 else ChineseStory(rng)).story()


if __name__ == "__main__":
    for text in stories(0, 4):
        print(text, end="\n\n")
