"""The embedded models' training corpus: everyday English and Chinese, generated from a seed, plus real text.

Three parts, mixed at random (never two languages inside one text):
- Generated stories, diaries, dialogues and little lessons about home, school, food, animals, weather, the city,
  work, feelings, numbers and time, with dialogue and simple cause and effect. Pronouns agree with who they refer to
  (he/she, 他/她). The words come from `lexicon.py` (ours).
- Chinese sentences that use words drawn from Debian's python3-jieba dictionary (MIT; about 350,000 words with
  part-of-speech tags and frequencies), weighted by frequency, so that the common characters all occur in context.
- English quotations from Debian's `fortunes` package (BSD licence), from the gentler files only.

A rebuild is exact for a given seed. `python3 corpus.py` prints a few samples.
"""

import functools
import os
import random
import re

from lexicon import (ACTIVITIES, ANIMAL_ACTS, ANIMALS, BODY, COLOURS, DAYS, FAMILY, FEELING_CAUSES, FEELINGS, FOODS,
                     JOBS, MEALS, NUMBERS, PLACES, ROLES, SCHOOL_SUBJECTS, SEASON_FACTS, SEASONS, TASTES, THINGS,
                     TIMES_OF_DAY, TRANSPORT, WEATHER)

JIEBA_DICT = "/usr/lib/python3/dist-packages/jieba/dict.txt"
FORTUNES_DIR = "/usr/share/games/fortunes"
# The gentler English fortune files (the package's off/ directory and the topical jokes are left out).
FORTUNE_FILES = ["kids", "food", "education", "wisdom", "people", "literature", "fortunes", "work", "love", "pets",
                 "riddles", "science", "platitudes", "humorists"]

EN_NAMES = [
    ("Lily", "f"), ("Tom", "m"), ("Mia", "f"), ("Ben", "m"), ("Anna", "f"), ("Sam", "m"), ("Lucy", "f"), ("Jack", "m"),
    ("Emma", "f"), ("Leo", "m"), ("Nora", "f"), ("Tim", "m"), ("Zoe", "f"), ("Max", "m"), ("Rosa", "f"), ("Omar", "m"),
    ("Ivy", "f"), ("Finn", "m"), ("Ella", "f"), ("Kai", "m"), ("Grace", "f"), ("Noah", "m"), ("Chloe", "f"),
    ("Adam", "m"), ("Sara", "f"), ("David", "m"), ("Hannah", "f"), ("Peter", "m"), ("Julia", "f"), ("Mark", "m"),
    ("Amy", "f"), ("Luke", "m"), ("Ruby", "f"), ("Oscar", "m"), ("Alice", "f"), ("Henry", "m"), ("Kate", "f"),
    ("Paul", "m"), ("Maya", "f"), ("Ryan", "m"),
]
ZH_NAMES = [
    ("小明", "m"), ("小红", "f"), ("小华", "m"), ("丽丽", "f"), ("乐乐", "m"), ("芳芳", "f"), ("小刚", "m"),
    ("小美", "f"), ("东东", "m"), ("婷婷", "f"), ("小雨", "f"), ("天天", "m"), ("小兰", "f"), ("阿强", "m"),
    ("静静", "f"), ("大伟", "m"), ("朵朵", "f"), ("豆豆", "m"), ("王芳", "f"), ("李强", "m"), ("张丽", "f"),
    ("刘洋", "m"), ("陈静", "f"), ("杨帆", "m"), ("赵敏", "f"), ("黄磊", "m"), ("周婷", "f"), ("吴昊", "m"),
    ("林月", "f"), ("孙浩", "m"), ("马丽", "f"), ("高飞", "m"), ("何雪", "f"), ("郭涛", "m"), ("小雪", "f"),
    ("明明", "m"), ("欢欢", "f"), ("亮亮", "m"), ("晓燕", "f"), ("建国", "m"),
]
EN_PRONOUN = {"f": ("she", "her", "her"), "m": ("he", "him", "his")}
ZH_PRONOUN = {"f": "她", "m": "他"}


def cap(text):
    return text[0].upper() + text[1:]


def a_(phrase):
    return ("an " if phrase[0] in "aeiou" else "a ") + phrase


class Person:
    """Someone in a text: a name in the text's language and a pronoun that agrees."""

    def __init__(self, name, gender, english):
        self.name, self.gender, self.english = name, gender, english

    @property
    def he(self):
        return EN_PRONOUN[self.gender][0] if self.english else ZH_PRONOUN[self.gender]

    @property
    def him(self):
        return EN_PRONOUN[self.gender][1] if self.english else ZH_PRONOUN[self.gender]

    @property
    def his(self):
        return EN_PRONOUN[self.gender][2] if self.english else ZH_PRONOUN[self.gender] + "的"

    @property
    def He(self):
        return cap(self.he)

    @property
    def Name(self):
        return cap(self.name)


class Text:
    """One generated text in one language. Each episode returns its English and Chinese sentences side by side and
    the text keeps the ones in its language, so both languages get the same topics and the same plots."""

    def __init__(self, rng, english):
        self.r, self.en = rng, english
        names = EN_NAMES if english else ZH_NAMES
        (a, ga), (b, gb) = rng.sample(names, 2)
        self.a, self.b = Person(a, ga, english), Person(b, gb, english)
        en, zh, g = rng.choice(FAMILY + ROLES)
        self.c = Person(en if english else zh, g, english)

    def pick(self, items):
        return self.r.choice(items)

    def x(self, en, zh):
        return en if self.en else zh

    def join(self, sentences):
        return " ".join(sentences) if self.en else "".join(sentences)

    # ---- episodes: each returns (English sentences, Chinese sentences) ----

    def opening(self):
        a, b, c = self.a, self.b, self.c
        time = self.pick(TIMES_OF_DAY)
        place = self.pick(PLACES)
        return self.pick([
            ([f"{time[0]}, {a.name} went to {place[0]} with {b.name}."], [f"{time[1]}，{a.name}和{b.name}一起去了{place[1]}。"]),
            ([f"{time[0]}, {a.name} was at {place[0]}."], [f"{time[1]}，{a.name}在{place[1]}。"]),
            ([f"{a.name} lives near {place[0]} with {a.his} family."], [f"{a.name}和家人住在{place[1]}附近。"]),
            ([f"{time[0]}, {a.name} and {c.name} went out together."], [f"{time[1]}，{a.name}和{c.name}一起出门了。"]),
            ([f"This is {a.name}. {a.He} is {self.pick(NUMBERS[5:])[1]} years old."],
             [f"这是{a.name}。{a.he}今年{self.pick(NUMBERS[5:])[2]}岁了。"]),
        ])

    def food(self):
        a, b = self.a, self.b
        f1, f2 = self.r.sample(FOODS, 2)
        taste = self.pick(TASTES)
        meal = self.pick(MEALS)
        return self.pick([
            ([f"For {meal[0]}, {a.name} had {f1[0]} and {f2[0]}.", f"The {f1[0]} tasted {taste[0]}.",
              f'"This is really good," {a.he} said.'],
             [f"{meal[1]}，{a.name}吃了{f1[1]}和{f2[1]}。", f"{f1[1]}很{taste[1]}。", f"“真好吃！”{a.he}说。"]),
            ([f"{a.name} was hungry, so {a.he} went to the kitchen.", f"There were some {f1[0]} on the table.",
              f"{a.He} ate them all, and then {a.he} was not hungry any more."],
             [f"{a.name}饿了，所以{a.he}去了厨房。", f"桌子上有一些{f1[1]}。", f"{a.he}把{f1[1]}都吃了，就不饿了。"]),
            ([f'"What do you want to eat?" {b.name} asked.', f'"I want {f1[0]}," said {a.name}. "And you?"',
              f'"I like {f2[0]} better," said {b.name}.', f"So they bought both and shared them."],
             [f"“你想吃什么？”{b.name}问。", f"“我想吃{f1[1]}，”{a.name}说，“你呢？”", f"“我更喜欢{f2[1]}。”{b.name}说。",
              f"于是他们两样都买了，一起分着吃。"]),
            ([f"{a.name} helped {a.his} mother cook {f1[0]}.", f"First they washed the {f2[0]}, then they cut it.",
              f"Dinner was ready at {self.pick(NUMBERS[4:])[1]} o'clock."],
             [f"{a.name}帮妈妈做{f1[1]}。", f"他们先洗{f2[1]}，再把它切好。", f"{self.pick(NUMBERS[4:])[2]}点钟，晚饭做好了。"]),
        ])

    def animal(self):
        a, b = self.a, self.b
        animal = self.pick(ANIMALS)
        act = self.pick(ANIMAL_ACTS)
        place = self.pick(PLACES)
        trouble = self.pick([("was stuck in a hole", "掉进了一个洞里"), ("could not find its mother", "找不到妈妈了"),
                             ("had a hurt leg", "腿受伤了"), ("was lost and hungry", "迷路了，肚子很饿")])
        return self.pick([
            ([f"At {place[0]}, {a.name} saw a {animal[0]}.", f"The {animal[0]} {act[0]}.",
              f'"Look!" {a.name} said to {b.name}. "It is so cute."'],
             [f"在{place[1]}，{a.name}看见了一只{animal[1]}。", f"{animal[1]}{act[1]}。", f"“快看！”{a.name}对{b.name}说，“它真可爱。”"]),
            ([f"The {animal[0]} {trouble[0]}.", f'"We must help it," said {a.name}.',
              f"{a.name} and {b.name} worked together, and soon the {animal[0]} was safe.",
              f"Because they helped, the {animal[0]} was not afraid any more."],
             [f"{animal[1]}{trouble[1]}。", f"“我们一定要帮助它。”{a.name}说。", f"{a.name}和{b.name}一起想办法，很快{animal[1]}就安全了。",
              f"因为有他们帮忙，{animal[1]}再也不害怕了。"]),
            ([f"{a.name} has a pet {animal[0]}.", f"Every day {a.he} gives it food and water.",
              f"When {a.he} comes home, the {animal[0]} runs to the door."],
             [f"{a.name}养了一只{animal[1]}。", f"{a.he}每天给它喂吃的和水。", f"{a.he}一回家，{animal[1]}就跑到门口。"]),
        ])

    def weather(self):
        a, b = self.a, self.b
        w = self.pick(WEATHER)
        season = self.pick(SEASONS)
        return self.pick([
            ([f"{w[0]}, and it felt {w[2]} outside.", f"So {a.name} {w[4]}."],
             [f"外面{w[1]}，{w[3]}。", f"所以{a.name}{w[5]}。"]),
            ([f"It was {season[0]}.", self.pick(SEASON_FACTS)[0], f"{a.name} likes {season[0]} best."],
             [f"现在是{season[1]}。", self.pick(SEASON_FACTS)[1], f"{a.name}最喜欢{season[1]}。"]),
            ([f'"What is the weather like today?" {b.name} asked.', f'"{w[0]}," said {a.name}.',
              f'"Then I will stay at home," said {b.name}.'] if w[0] != "It was sunny" else
             [f'"What is the weather like today?" {b.name} asked.', '"It is sunny and warm."', '"Great, let us go out!"'],
             [f"“今天天气怎么样？”{b.name}问。", f"“{w[1]}。”{a.name}说。", f"“那我就待在家里吧。”{b.name}说。"]
             if w[0] != "It was sunny" else [f"“今天天气怎么样？”{b.name}问。", "“天气晴朗，很暖和。”", "“太好了，我们出去玩吧！”"]),
        ])

    def school(self):
        a, b, c = self.a, self.b, self.c
        subject = self.pick(SCHOOL_SUBJECTS)
        thing = self.pick(THINGS[:20])
        n = self.pick(NUMBERS[2:])
        return self.pick([
            ([f"At school, the first lesson was {subject[0]}.", f"The teacher asked a question, and {a.name} put up {a.his} hand.",
              f'"Very good," said the teacher.'],
             [f"在学校，第一节课是{subject[1]}课。", f"老师问了一个问题，{a.name}举起了手。", f"“很好。”老师说。"]),
            ([f"{a.name} forgot {a.his} {thing[0]} at home.", f"{b.name} lent {a.him} one.",
              f'"Thank you," said {a.name}. "I will give it back after class."'],
             [f"{a.name}把{thing[1]}忘在家里了。", f"{b.name}借给{a.him}一个。", f"“谢谢你，”{a.name}说，“下课我就还给你。”"]),
            ([f"There are {n[1]} students in the group.", f"They all like {subject[0]}, but {b.name} likes {self.pick(SCHOOL_SUBJECTS)[0]} more.",
              f"After class they {self.pick(ACTIVITIES)[0]} together."],
             [f"小组里有{n[2]}个同学。", f"他们都喜欢{subject[1]}，可是{b.name}更喜欢{self.pick(SCHOOL_SUBJECTS)[1]}。",
              f"下课以后，他们一起{self.pick(ACTIVITIES)[2]}。"]),
            ([f"{a.name} did not do {a.his} homework.", f"The next day {a.he} felt {self.pick(['worried', 'nervous'])}.",
              f"From then on, {a.he} always did {a.his} homework first."],
             [f"{a.name}没有写作业。", f"第二天，{a.he}{self.pick(['很着急', '很紧张'])}。", f"从那以后，{a.he}总是先写作业。"]),
        ])

    def city(self):
        a, b = self.a, self.b
        place1, place2 = self.r.sample(PLACES, 2)
        way = self.pick(TRANSPORT)
        n = self.pick(NUMBERS[1:])
        return self.pick([
            ([f"{a.name} went to {place1[0]} {way[0]}.", f"It took {n[1]} minutes.", f"Then {a.he} walked to {place2[0]}."],
             [f"{a.name}{way[1]}去{place1[1]}。", f"路上用了{n[2]}分钟。", f"然后{a.he}走到了{place2[1]}。"]),
            ([f'"Excuse me, where is {place1[0]}?" {a.name} asked a man.', f'"Go straight and turn left," he said. "It is next to {place2[0]}."',
              f'"Thank you very much!"'],
             [f"“请问，{place1[1]}在哪里？”{a.name}问一位叔叔。", f"“一直走，然后往左拐，”他说，“就在{place2[1]}旁边。”", "“太谢谢您了！”"]),
            ([f"The streets were busy in the morning.", f"Many people went to work {way[0]}.",
              f"{a.name} waited at the bus stop for {n[1]} minutes."],
             [f"早上，街上的人很多。", f"很多人{way[1]}去上班。", f"{a.name}在公交车站等了{n[2]}分钟。"]),
        ])

    def work(self):
        a = self.a
        job = self.pick(JOBS)
        return self.pick([
            ([f"{a.his.capitalize()} father is {a_(job[0])}.", f"He {job[2]}.", f"{a.name} wants to be {a_(job[0])} too."],
             [f"{a.name}的爸爸是{job[1]}。", f"他的工作是{job[3]}。", f"{a.name}长大了也想当{job[1]}。"]),
            ([f"{a.his.capitalize()} mother is {a_(job[0])}. She {job[2]}.", f"She goes to work at {self.pick(NUMBERS[6:9])[1]} every morning.",
              f"She is busy, but she is happy."],
             [f"{a.name}的妈妈是{job[1]}，她每天{job[3]}。", f"她每天早上{self.pick(NUMBERS[6:9])[2]}点去上班。", f"她很忙，可是很快乐。"]),
            ([f'"What do you want to be?" asked the teacher.', f'"I want to be {a_(job[0])}," said {a.name}, "because I like to help."'],
             [f"“你长大了想做什么？”老师问。", f"“我想当{job[1]}，”{a.name}说，“因为我喜欢帮助别人。”"]),
        ])

    def feelings(self):
        a, b = self.a, self.b
        f = self.pick(FEELING_CAUSES)
        return self.pick([
            ([f"{a.name} was {f[0]} because {a.he} {f[2]}.", f"So {a.he} {f[4]}."],
             [f"{a.name}{f[1]}，因为{a.he}{f[3]}。", f"所以{a.he}{f[5]}。"]),
            ([f'"Why are you {f[0]}?" {b.name} asked.', f'"Because I {f[2]}," said {a.name}.'],
             [f"“你为什么{f[1]}？”{b.name}问。", f"“因为我{f[3]}。”{a.name}说。"]),
            ([f"If you are {self.pick(FEELINGS)[0]}, you can talk to a friend.", f"{a.name} talked to {b.name}, and {a.he} felt better."],
             [f"如果你{self.pick(FEELINGS)[1]}，可以和朋友说一说。", f"{a.name}和{b.name}聊了一会儿，心里好受多了。"]),
        ])

    def numbers(self):
        a, b = self.a, self.b
        total = self.pick(NUMBERS[2:10])
        taken = self.pick(NUMBERS[:total[0] - 1])
        left = NUMBERS[total[0] - taken[0] - 1]
        food = self.pick(FOODS[8:14])
        price = self.pick(NUMBERS[1:])
        hour = self.pick(NUMBERS[5:])
        return self.pick([
            ([f"There were {total[1]} {food[0]} on the table.", f"{a.name} ate {taken[1]}.", f"Now there are {left[1]} left."],
             [f"桌子上有{total[2]}个{food[1]}。", f"{a.name}吃了{taken[2]}个。", f"现在还剩{left[2]}个。"]),
            ([f"{a.name} has {total[1]} pencils. {b.name} has {taken[1]}.", f"{a.name} has {left[1]} more than {b.name}."],
             [f"{a.name}有{total[2]}支铅笔，{b.name}有{taken[2]}支。", f"{a.name}比{b.name}多{left[2]}支。"]),
            ([f"The bread costs {price[1]} yuan.", f"{a.name} gave the shopkeeper ten yuan.", f"How much money did {a.he} get back?"],
             [f"面包{price[2]}块钱。", f"{a.name}给了店主十块钱。", f"{a.he}应该找回多少钱呢？"]),
            ([f"{a.name} gets up at {hour[1]} o'clock.", f"{a.He} has breakfast, and then {a.he} goes to school.",
              f"School begins at {self.pick(NUMBERS[7:9])[1]}."],
             [f"{a.name}每天{hour[2]}点起床。", f"{a.he}先吃早饭，然后去上学。", f"学校{self.pick(NUMBERS[7:9])[2]}点开始上课。"]),
            ([f"Today is {self.pick(DAYS)[0]}.", f"{a.name} has {total[1]} lessons today.", f"Tomorrow is the weekend, so {a.he} is {self.pick(['happy', 'glad'])}."],
             [f"今天是{self.pick(DAYS)[1]}。", f"{a.name}今天有{total[2]}节课。", f"明天就是周末了，所以{a.he}很高兴。"]),
        ])

    def home(self):
        a, c = self.a, self.c
        thing = self.pick(THINGS)
        colour = self.pick(COLOURS)
        act = self.pick(ACTIVITIES)
        body = self.pick(BODY)
        return self.pick([
            ([f"{a.name} has {a_(colour[0] + ' ' + thing[0])}.", f"{a.He} keeps it in {a.his} room.", f"It is {a.his} favourite thing."],
             [f"{a.name}有一个{colour[1]}{thing[1]}。", f"{a.he}把它放在自己的房间里。", f"这是{a.he}最喜欢的东西。"]),
            ([f"After dinner, {a.name} {act[0]}.", f"{cap(c.name)} {self.pick(ACTIVITIES)[0]}.", f"At nine o'clock everyone went to bed."],
             [f"吃完晚饭，{a.name}去{act[2]}了。", f"{c.name}在{self.pick(ACTIVITIES)[2]}。", f"九点钟，大家都睡觉了。"]),
            ([f"{a.name}'s {body[0]} hurt, so {a.he} went to see the doctor.", f'"Drink more water and rest," said the doctor.',
              f"Two days later, {a.he} was well again."],
             [f"{a.name}的{body[1]}疼，所以{a.he}去看医生。", f"“多喝水，多休息。”医生说。", f"两天以后，{a.he}的病就好了。"]),
            ([f'"Can you help me {act[1]}?" asked {c.name}.', f'"Of course," said {a.name}.', f"When they finished, {c.name} said thank you."],
             [f"“你能帮我{act[2]}吗？”{c.name}问。", f"“当然可以。”{a.name}说。", f"做完以后，{c.name}说了声谢谢。"]),
        ])

    def lost_and_found(self):
        a, b = self.a, self.b
        thing = self.pick(THINGS)
        spot = self.pick([("under the bed", "床底下"), ("behind the sofa", "沙发后面"), ("in the garden", "花园里"),
                          ("in the car", "车里"), ("on the bus", "公交车上"), ("in the kitchen", "厨房里")])
        return ([f"{a.name} could not find {a.his} {thing[0]}.", f'"Where is my {thing[0]}?" {a.he} asked.',
                 f"{b.name} helped {a.him} look for it.", f"At last they found it {spot[0]}.",
                 f'"Thank you, {b.name}!" said {a.name}.'],
                [f"{a.name}找不到{a.his}{thing[1]}了。", f"“我的{thing[1]}在哪里？”{a.he}问。", f"{b.name}帮{a.him}一起找。",
                 f"最后，他们在{spot[1]}找到了。", f"“谢谢你，{b.name}！”{a.name}说。"])

    def closing(self):
        a, b = self.a, self.b
        feel = self.pick(FEELINGS[:6])
        return self.pick([
            ([f"That night, {a.name} told {a.his} mother about the day."], [f"那天晚上，{a.name}把这件事告诉了妈妈。"]),
            ([f"It was a good day, and {a.name} felt {feel[0]}."], [f"这真是美好的一天，{a.name}{feel[1]}。"]),
            ([f"{a.name} and {b.name} said goodbye and went home."], [f"{a.name}和{b.name}说了再见，各自回家了。"]),
            ([], []),
        ])

    def story(self):
        episodes = [self.food, self.animal, self.weather, self.school, self.city, self.work, self.feelings,
                    self.numbers, self.home, self.lost_and_found]
        parts = [self.opening()] + [e() for e in self.r.sample(episodes, self.r.randint(2, 4))] + [self.closing()]
        return self.join([s for en, zh in parts for s in (en if self.en else zh)])

    def diary(self):
        """A diary page. In Chinese it is in the first person (我 has no verb forms to change); in English the
        third person stays, under the day's heading."""
        day, weather = self.pick(DAYS), self.pick(WEATHER)
        body = [e() for e in self.r.sample([self.food, self.school, self.home, self.feelings, self.city], 2)]
        sentences = [s for en, zh in body for s in (en if self.en else zh)]
        if self.en:
            return self.join([f"{day[0]}. {weather[0].replace('was', 'is')}. Dear diary,"] + sentences)
        name, ta = self.a.name, self.a.he
        sentences = [s.replace(name, "我").replace(ta, "我") for s in sentences]
        return self.join([f"{day[1]}，{weather[1]}。"] + sentences)


# Dictionary words kept out of the generated sentences: separatist, sectarian and violent terms have no place in a
# learner's everyday text (the list is matched as substrings).
EXCLUDED_WORDS = ("台独", "藏独", "疆独", "港独", "法轮", "邪教", "暴恐", "恐怖", "屠杀", "色情", "毒品", "赌博", "自杀", "强奸")


@functools.lru_cache(maxsize=1)
def jieba_words():
    """(words, weights) of the jieba dictionary's nouns, place names, verbs and adjectives, by part of speech."""
    groups = {tag: ([], []) for tag in ("n", "ns", "v", "a", "nr", "d", "c", "q")}
    with open(JIEBA_DICT, encoding="utf-8") as file:
        for line in file:
            word, freq, tag = line.split()
            freq = int(freq)
            if any(bad in word for bad in EXCLUDED_WORDS):
                continue
            if tag in groups and freq >= 300 and 2 <= len(word) and all("\u4e00" <= ch <= "\u9fff" for ch in word) and len(word) <= 4:
                groups[tag][0].append(word)
                groups[tag][1].append(freq ** 0.5)  # flattened so that rarer words still come up
    return groups


def jieba_text(rng, names):
    """A few Chinese sentences whose nouns, verbs, adjectives and places come from the jieba dictionary."""
    g = jieba_words()

    def w(tag):
        return rng.choices(g[tag][0], weights=g[tag][1])[0]

    name, gender = rng.choice(names)
    ta = ZH_PRONOUN[gender]
    frames = [
        lambda: f"{name}在书上看到了“{w('n')}”这个词，就去问老师。",
        lambda: f"老师说，{w('n')}和{w('n')}不一样。",
        lambda: f"{name}的家在{w('ns')}，那里有很多{w('n')}。",
        lambda: f"{ta}说：“我想去{w('ns')}看看{w('n')}。”",
        lambda: f"今天{name}学会了{w('v')}，{ta}觉得很{w('a')}。",
        lambda: f"这个{w('n')}很{w('a')}，那个{w('n')}也很{w('a')}。",
        lambda: f"因为{w('n')}太{w('a')}了，所以{name}不想{w('v')}。",
        lambda: f"“你知道什么是{w('n')}吗？”{name}问。",
        lambda: f"{w('nr')}是{name}的朋友，{ta}们常常一起{w('v')}。",
        lambda: f"如果明天下雨，我们就在家里{w('v')}。",
        lambda: f"桌子上放着{w('n')}、{w('n')}和{w('n')}。",
        lambda: f"{name}每天都要{w('v')}，从来不觉得累。",
        lambda: f"报纸上说，{w('ns')}的{w('n')}越来越{w('a')}了。",
        lambda: f"虽然{w('n')}很{w('a')}，但是{name}还是想{w('v')}。",
        lambda: f"爸爸告诉{name}，{w('n')}是很重要的。",
        lambda: f"{name}{w('d')}{w('v')}了。",
        lambda: f"{w('c')}{ta}也想{w('v')}。",
        lambda: f"院子里有三{w('q')}{w('n')}。",
        lambda: f"{name}{w('d')}觉得{w('n')}很{w('a')}。",
    ]
    # Several sentences per text, so that an end of text (and the <|endoftext|> after it) stays rare.
    return "".join(rng.choice(frames)() for _ in range(rng.randint(5, 9)))


@functools.lru_cache(maxsize=1)
def common_chars():
    """The common Chinese characters: GB2312's level-1 set (3,755 characters, the standard "常用汉字"), most
    frequent first by the jieba dictionary's word frequencies."""
    level1 = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                level1.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    weight = dict.fromkeys(level1, 0)
    with open(JIEBA_DICT, encoding="utf-8") as file:
        for line in file:
            word, freq, _ = line.split()
            for ch in word:
                if ch in weight:
                    weight[ch] += int(freq)
    return sorted(level1, key=lambda ch: (-weight[ch], ch))


@functools.lru_cache(maxsize=1)
def words_with_char():
    """For each common character, up to four frequent dictionary words that contain it."""
    found = {ch: [] for ch in common_chars()}
    entries = []
    with open(JIEBA_DICT, encoding="utf-8") as file:
        for line in file:
            word, freq, _ = line.split()
            if 2 <= len(word) <= 4 and all(ch in found for ch in word):
                entries.append((int(freq), word))
    for _, word in sorted(entries, reverse=True):
        for ch in set(word):
            if len(found[ch]) < 4:
                found[ch].append(word)
    return found


def word_lesson(rng):
    """A school word exercise (组词) for a few characters drawn evenly from the common set, so every common
    character occurs in context."""
    chars, words = common_chars(), words_with_char()
    parts = []
    for ch in rng.sample(chars, rng.randint(4, 7)):
        if words[ch]:
            parts.append(f"“{ch}”字可以组词：{'、'.join(words[ch])}。")
        else:
            parts.append(f"“{ch}”是一个常用字。")
    return "".join(parts)


@functools.lru_cache(maxsize=1)
def fortunes():
    """The English quotations, each a string, in file order (only those mostly in ASCII and of a sane length)."""
    texts = []
    for name in FORTUNE_FILES:
        path = os.path.join(FORTUNES_DIR, name)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as file:
            for entry in file.read().split("\n%\n"):
                entry = " ".join(entry.split())
                # The attribution ("-- Mark Twain, ...") is dropped: as a pattern it would end every continuation.
                entry = re.sub(r"\s+--\s*[^-]+$", "", entry).strip()
                if 20 <= len(entry) <= 600 and all(ord(ch) < 128 for ch in entry):
                    texts.append(entry)
    return texts


def is_heldout_fortune(index):
    """Every 20th quotation is kept out of training (the held-out split)."""
    return index % 20 == 7


def texts(seed, count, heldout=False):
    """`count` texts, about half in each language, reproducible from `seed`; the held-out split uses another seed
    and the held-out quotations."""
    rng = random.Random(seed)
    quotes = [q for i, q in enumerate(fortunes()) if is_heldout_fortune(i) == heldout]
    for _ in range(count):
        english = rng.random() < 0.5
        roll = rng.random()
        if english and quotes and roll < 0.12:
            yield rng.choice(quotes)
        elif not english and roll < 0.25:
            yield jieba_text(rng, ZH_NAMES)
        elif not english and roll < 0.37:
            yield word_lesson(rng)
        else:
            text = Text(rng, english)
            yield text.diary() if rng.random() < 0.15 else text.story()


# The old name, kept for callers.
stories = texts


if __name__ == "__main__":
    for sample in texts(0, 12):
        print(sample, end="\n\n")
