"""The bilingual everyday lexicon the corpus generator draws on: each entry is (English, Chinese), grouped by topic.

Written for this project (licence: the project's own). The Chinese dictionary words and the common-character list
come from Debian's python3-jieba (MIT) and are read at build time by `corpus.py`, not copied here.
"""

# People who are not named: (English, Chinese, pronoun key). f/m as for named characters.
FAMILY = [
    ("Mum", "妈妈", "f"), ("Dad", "爸爸", "m"), ("Grandma", "奶奶", "f"), ("Grandpa", "爷爷", "m"),
    ("his big brother", "哥哥", "m"), ("her big sister", "姐姐", "f"), ("the little brother", "弟弟", "m"),
    ("the little sister", "妹妹", "f"), ("Aunt May", "阿姨", "f"), ("Uncle Bob", "叔叔", "m"),
]
ROLES = [
    ("the teacher", "老师", "f"), ("the doctor", "医生", "m"), ("the driver", "司机", "m"),
    ("the cook", "厨师", "m"), ("the neighbour", "邻居", "f"), ("the shopkeeper", "店主", "m"),
    ("the farmer", "农民", "m"), ("the police officer", "警察", "f"), ("the nurse", "护士", "f"),
    ("the postman", "邮递员", "m"), ("the baker", "面包师", "f"), ("the classmate", "同学", "m"),
    ("the old man", "老爷爷", "m"), ("the old woman", "老奶奶", "f"), ("the worker", "工人", "m"),
    ("the boss", "老板", "f"), ("the waiter", "服务员", "m"), ("the scientist", "科学家", "f"),
]
ANIMALS = [
    ("dog", "小狗"), ("cat", "小猫"), ("rabbit", "兔子"), ("bird", "小鸟"), ("duck", "鸭子"), ("mouse", "老鼠"),
    ("fox", "狐狸"), ("turtle", "乌龟"), ("bear", "小熊"), ("panda", "熊猫"), ("monkey", "猴子"), ("tiger", "老虎"),
    ("lion", "狮子"), ("elephant", "大象"), ("horse", "马"), ("cow", "奶牛"), ("pig", "小猪"), ("sheep", "小羊"),
    ("chicken", "小鸡"), ("fish", "小鱼"), ("frog", "青蛙"), ("squirrel", "松鼠"), ("deer", "小鹿"),
    ("butterfly", "蝴蝶"), ("bee", "蜜蜂"), ("ant", "蚂蚁"), ("goose", "大鹅"), ("wolf", "狼"), ("snake", "蛇"),
    ("goat", "山羊"), ("owl", "猫头鹰"), ("whale", "鲸鱼"), ("dolphin", "海豚"), ("crab", "螃蟹"),
]
# Animal sounds and moves, for the animal topic.
ANIMAL_ACTS = [
    ("ran across the grass", "从草地上跑过去"), ("jumped into the water", "跳进了水里"),
    ("climbed up a tree", "爬上了一棵树"), ("hid behind the door", "躲在门后面"),
    ("slept in the sun", "在太阳下睡觉"), ("looked for food", "在找吃的"), ("flew over the house", "从房子上飞过"),
    ("played with a ball", "在玩一个球"), ("drank some water", "喝了一点水"), ("sat under the table", "坐在桌子下面"),
]
FOODS = [
    ("rice", "米饭"), ("noodles", "面条"), ("dumplings", "饺子"), ("bread", "面包"), ("soup", "汤"),
    ("eggs", "鸡蛋"), ("milk", "牛奶"), ("tea", "茶"), ("apples", "苹果"), ("bananas", "香蕉"), ("oranges", "橘子"),
    ("grapes", "葡萄"), ("watermelon", "西瓜"), ("tomatoes", "西红柿"), ("potatoes", "土豆"), ("carrots", "胡萝卜"),
    ("cabbage", "白菜"), ("fish", "鱼"), ("chicken", "鸡肉"), ("beef", "牛肉"), ("tofu", "豆腐"), ("cake", "蛋糕"),
    ("cookies", "饼干"), ("ice cream", "冰淇淋"), ("juice", "果汁"), ("porridge", "粥"), ("steamed buns", "包子"),
    ("peanuts", "花生"), ("corn", "玉米"), ("strawberries", "草莓"), ("pears", "梨"), ("peaches", "桃子"),
    ("sandwiches", "三明治"), ("pizza", "披萨"), ("chocolate", "巧克力"), ("honey", "蜂蜜"), ("salad", "沙拉"),
]
TASTES = [
    ("sweet", "甜"), ("salty", "咸"), ("sour", "酸"), ("hot", "烫"), ("spicy", "辣"), ("fresh", "新鲜"),
    ("delicious", "好吃"), ("cold", "凉"), ("soft", "软"), ("crisp", "脆"),
]
MEALS = [("breakfast", "早饭"), ("lunch", "午饭"), ("dinner", "晚饭")]
PLACES = [
    ("the park", "公园"), ("the school", "学校"), ("the library", "图书馆"), ("the supermarket", "超市"),
    ("the hospital", "医院"), ("the station", "车站"), ("the airport", "机场"), ("the kitchen", "厨房"),
    ("the garden", "花园"), ("the beach", "海边"), ("the forest", "森林"), ("the river", "河边"), ("the zoo", "动物园"),
    ("the market", "菜市场"), ("the museum", "博物馆"), ("the cinema", "电影院"), ("the office", "办公室"),
    ("the factory", "工厂"), ("the farm", "农场"), ("the playground", "操场"), ("the classroom", "教室"),
    ("the bank", "银行"), ("the post office", "邮局"), ("the restaurant", "饭馆"), ("the bookshop", "书店"),
    ("the mountain", "山上"), ("the lake", "湖边"), ("the village", "村子"), ("the city", "城里"),
    ("the bus stop", "公交车站"), ("the bedroom", "卧室"), ("the living room", "客厅"), ("the bathroom", "卫生间"),
    ("the swimming pool", "游泳池"), ("the hotel", "酒店"), ("the bridge", "桥上"),
]
# Things at home, at school and in town.
THINGS = [
    ("ball", "球"), ("kite", "风筝"), ("book", "书"), ("hat", "帽子"), ("box", "盒子"), ("cup", "杯子"),
    ("umbrella", "雨伞"), ("key", "钥匙"), ("map", "地图"), ("bag", "书包"), ("pencil", "铅笔"), ("pen", "钢笔"),
    ("notebook", "本子"), ("ruler", "尺子"), ("clock", "钟"), ("watch", "手表"), ("phone", "手机"),
    ("computer", "电脑"), ("camera", "相机"), ("bicycle", "自行车"), ("chair", "椅子"), ("table", "桌子"),
    ("bed", "床"), ("lamp", "台灯"), ("window", "窗户"), ("door", "门"), ("coat", "外套"), ("shoes", "鞋子"),
    ("socks", "袜子"), ("scarf", "围巾"), ("gloves", "手套"), ("toy car", "玩具车"), ("doll", "娃娃"),
    ("picture", "画"), ("letter", "信"), ("ticket", "票"), ("newspaper", "报纸"), ("bowl", "碗"),
    ("chopsticks", "筷子"), ("spoon", "勺子"), ("bottle", "瓶子"), ("towel", "毛巾"), ("mirror", "镜子"),
    ("guitar", "吉他"), ("piano", "钢琴"), ("flower", "花"), ("plant", "植物"), ("basket", "篮子"),
]
COLOURS = [
    ("red", "红色的"), ("blue", "蓝色的"), ("yellow", "黄色的"), ("green", "绿色的"), ("white", "白色的"),
    ("black", "黑色的"), ("pink", "粉色的"), ("purple", "紫色的"), ("orange", "橙色的"), ("brown", "棕色的"),
    ("grey", "灰色的"), ("big", "大大的"), ("small", "小小的"), ("new", "新的"), ("old", "旧的"),
    ("beautiful", "漂亮的"), ("heavy", "很重的"), ("light", "很轻的"),
]
FEELINGS = [
    ("happy", "很开心"), ("sad", "很难过"), ("surprised", "很惊讶"), ("tired", "很累"), ("excited", "很兴奋"),
    ("worried", "很着急"), ("proud", "很自豪"), ("scared", "有点害怕"), ("angry", "很生气"), ("bored", "很无聊"),
    ("calm", "很平静"), ("nervous", "很紧张"), ("lonely", "很孤单"), ("hungry", "很饿"), ("thirsty", "很渴"),
    ("sleepy", "很困"), ("glad", "很高兴"), ("shy", "有点害羞"),
]
# Feeling → a cause and what one does about it.
FEELING_CAUSES = [
    ("happy", "很开心", "got a good mark", "考试得了好成绩", "sang a song", "唱起了歌"),
    ("sad", "很难过", "lost a favourite toy", "丢了最喜欢的玩具", "cried a little", "哭了一会儿"),
    ("tired", "很累", "walked a long way", "走了很远的路", "went to bed early", "早早上床睡觉了"),
    ("angry", "很生气", "saw someone break a window", "看见有人打破了窗户", "told the teacher", "告诉了老师"),
    ("scared", "有点害怕", "heard a loud noise", "听到一声很响的声音", "held Mum's hand", "拉住了妈妈的手"),
    ("excited", "很兴奋", "was going on a trip", "要去旅行了", "packed a bag at once", "马上收拾好了行李"),
    ("hungry", "很饿", "had no breakfast", "没吃早饭", "ate two bowls of noodles", "吃了两碗面条"),
    ("nervous", "很紧张", "had a test", "要考试了", "read the book again", "又看了一遍书"),
    ("proud", "很自豪", "finished a hard job", "完成了一件很难的事", "told everyone", "告诉了大家"),
    ("lonely", "很孤单", "had no one to play with", "没有人一起玩", "called a friend", "给朋友打了电话"),
]
WEATHER = [
    ("It was sunny", "天气晴朗", "hot", "很热", "wore a hat", "戴上了帽子"),
    ("It was raining", "下着雨", "wet", "湿湿的", "took an umbrella", "带上了雨伞"),
    ("It was snowing", "下着雪", "cold", "很冷", "put on a thick coat", "穿上了厚外套"),
    ("It was windy", "刮着大风", "cool", "很凉", "closed the windows", "关上了窗户"),
    ("It was cloudy", "天阴沉沉的", "grey", "灰蒙蒙的", "stayed at home", "待在家里"),
    ("It was foggy", "起了大雾", "hard to see", "看不清楚", "walked slowly", "慢慢地走"),
    ("There was a storm", "下起了暴雨", "dark", "很暗", "waited inside", "在屋里等着"),
]
SEASONS = [("spring", "春天"), ("summer", "夏天"), ("autumn", "秋天"), ("winter", "冬天")]
SEASON_FACTS = [
    ("In spring the flowers open and the trees turn green.", "春天，花开了，树也绿了。"),
    ("In summer the days are long and the sun is hot.", "夏天，白天很长，太阳很热。"),
    ("In autumn the leaves turn yellow and fall down.", "秋天，树叶变黄了，一片一片落下来。"),
    ("In winter it is cold, and sometimes it snows.", "冬天很冷，有时候会下雪。"),
]
DAYS = [
    ("Monday", "星期一"), ("Tuesday", "星期二"), ("Wednesday", "星期三"), ("Thursday", "星期四"),
    ("Friday", "星期五"), ("Saturday", "星期六"), ("Sunday", "星期天"),
]
TIMES_OF_DAY = [
    ("In the morning", "早上"), ("At noon", "中午"), ("In the afternoon", "下午"), ("In the evening", "晚上"),
    ("Today", "今天"), ("Yesterday", "昨天"), ("Last week", "上个星期"), ("Tomorrow", "明天"),
    ("One day", "有一天"), ("Once upon a time", "从前"), ("Every morning", "每天早上"), ("After school", "放学以后"),
]
NUMBERS = [
    (1, "one", "一"), (2, "two", "两"), (3, "three", "三"), (4, "four", "四"), (5, "five", "五"), (6, "six", "六"),
    (7, "seven", "七"), (8, "eight", "八"), (9, "nine", "九"), (10, "ten", "十"), (11, "eleven", "十一"),
    (12, "twelve", "十二"),
]
# Things to do: (English verb phrase in the past, English base form, Chinese).
ACTIVITIES = [
    ("read a book", "read a book", "看书"), ("drew a picture", "draw a picture", "画画"),
    ("played football", "play football", "踢足球"), ("did homework", "do homework", "写作业"),
    ("watched TV", "watch TV", "看电视"), ("cleaned the room", "clean the room", "打扫房间"),
    ("cooked dinner", "cook dinner", "做晚饭"), ("washed the dishes", "wash the dishes", "洗碗"),
    ("went swimming", "go swimming", "去游泳"), ("rode a bike", "ride a bike", "骑自行车"),
    ("played the piano", "play the piano", "弹钢琴"), ("wrote a letter", "write a letter", "写信"),
    ("went shopping", "go shopping", "去买东西"), ("took a walk", "take a walk", "散步"),
    ("sang songs", "sing songs", "唱歌"), ("planted a tree", "plant a tree", "种树"),
    ("visited a friend", "visit a friend", "去看朋友"), ("learned new words", "learn new words", "学新词"),
    ("played chess", "play chess", "下棋"), ("fed the fish", "feed the fish", "喂鱼"),
    ("made a kite", "make a kite", "做风筝"), ("flew a kite", "fly a kite", "放风筝"),
    ("took photos", "take photos", "拍照片"), ("practised writing", "practise writing", "练字"),
]
JOBS = [
    ("teacher", "老师", "teaches children", "教孩子们读书"), ("doctor", "医生", "helps sick people", "给病人看病"),
    ("driver", "司机", "drives a bus", "开公交车"), ("cook", "厨师", "cooks food", "做饭菜"),
    ("farmer", "农民", "grows rice", "种稻子"), ("police officer", "警察", "keeps the streets safe", "保护大家的安全"),
    ("nurse", "护士", "looks after patients", "照顾病人"), ("engineer", "工程师", "builds bridges", "建桥"),
    ("baker", "面包师", "bakes bread", "烤面包"), ("writer", "作家", "writes books", "写书"),
    ("shopkeeper", "店主", "sells things", "卖东西"), ("programmer", "程序员", "writes programs", "写程序"),
]
TRANSPORT = [
    ("by bus", "坐公交车"), ("by train", "坐火车"), ("by bike", "骑自行车"), ("on foot", "走路"),
    ("by car", "坐汽车"), ("by underground", "坐地铁"), ("by plane", "坐飞机"), ("by boat", "坐船"),
]
SCHOOL_SUBJECTS = [
    ("maths", "数学"), ("Chinese", "语文"), ("English", "英语"), ("music", "音乐"), ("art", "美术"),
    ("science", "科学"), ("sport", "体育"), ("history", "历史"),
]
BODY = [
    ("head", "头"), ("hand", "手"), ("foot", "脚"), ("eye", "眼睛"), ("ear", "耳朵"), ("tooth", "牙"),
    ("leg", "腿"), ("arm", "胳膊"), ("stomach", "肚子"), ("back", "背"),
]
