"""Chinese personal names from common surnames and given-name characters."""

from __future__ import annotations

import numpy as np

# The most common surnames (roughly by frequency in Shandong); weights fall off.
SURNAMES = list(
    "王张李刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛"
    "伍韦申尤毕聂丛焦向柳邢路岳齐沿梅莫庄辛管祝左涂谷祁时舒耿牟卜路詹关苗凌费纪靳盛童"
)
# Characters used in given names (male-leaning first, then female-leaning, then neutral).
_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁浩凯健俊帆昊翔龙峰晨阳志国建文东海林"
_FEMALE = "芳娜敏静丽艳娟霞秀英华慧巧美娅玲桂丹萍红梅琳雪婷颖倩洁琴云莉兰凤佳欣怡悦晶"
_NEUTRAL = "子雨嘉博宇涵轩泽睿思德庆春秋新立成永玉金宏振家晓小一安乐欢"


def _given(chars_a: str, chars_b: str) -> np.ndarray:
    single = list(chars_a)
    double = [a + b for a in chars_a for b in chars_b]
    return np.array(single + double, dtype=object)


GIVEN = {
    1: _given(_MALE + _NEUTRAL, _MALE + _NEUTRAL),
    0: _given(_FEMALE + _NEUTRAL, _FEMALE + _NEUTRAL),
}
_SURNAME_ARR = np.array(SURNAMES, dtype=object)
_SURNAME_P = 1.0 / np.arange(1, len(SURNAMES) + 1) ** 0.9
_SURNAME_P /= _SURNAME_P.sum()


def draw(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Surname and given-name indices for n persons."""
    s = rng.choice(len(SURNAMES), size=n, p=_SURNAME_P).astype(np.int16)
    g = rng.integers(0, 1 << 30, size=n, dtype=np.int32)  # reduced modulo the sex's list
    return s, g


def render(surname: np.ndarray, given: np.ndarray, male: np.ndarray) -> np.ndarray:
    """Name strings (object array)."""
    out = np.empty(len(surname), dtype=object)
    for sex in (0, 1):
        m = male == sex
        lst = GIVEN[sex]
        out[m] = _SURNAME_ARR[surname[m]] + lst[given[m] % len(lst)]
    return out


def code(surname: np.ndarray, given: np.ndarray, male: np.ndarray) -> np.ndarray:
    """An integer per distinct name string (same code ⇔ same name)."""
    g = np.where(male, given % len(GIVEN[1]), given % len(GIVEN[0]))
    return (surname.astype(np.int64) << 32) | (g.astype(np.int64) << 1) | male
