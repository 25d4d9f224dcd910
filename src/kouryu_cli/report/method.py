"""4. 評価の方法: the report's words for how the evaluation was made, and its sources."""

from __future__ import annotations

from kouryu_cli.core.textnorm import format_number

SOURCE_OF_GRADES = "厚生労働省「健康日本21（第二次）最終評価報告書」（令和4年10月）"
SOURCE_OF_PROGRESS_RATE = (
    "米国 Healthy People 2030 の進捗の測り方（基準値から目標値までの変化のうち達成した割合）"
)
OVERALL_RULE = (
    "系列が複数ある指標（団体数と人数など）は、指標全体の総合評価も示します。"
    "系列ごとの評価を A=5点、B・B*=4点、C=3点、D=2点として、A〜D の評価がついた系列"
    "（E とベースラインのみの系列を除く）で平均し、"
    "五捨六入（x.5 は切り捨て、x.6 は切り上げ）して A〜D に戻します"
    "（健康日本21（第二次）最終評価の方法）。B となった場合は、各系列を目標年度に見込んだ評価"
    "（A・B は A、B* は B）の平均が A にならなければ B* とします。"
    "A〜D の系列がないときは、E の系列があれば E、なければベースラインのみです。"
)
LINE_ROUNDING = (
    "直線上の値は、人数・団体数・か所数など数える単位のものは小数点以下を四捨五入した整数で、"
    "割合などは小数第1位まで（第2位を四捨五入）で示します。"
    "実績値は記載されたとおりの桁数で示します（26.0% は 26.0%）。"
)


# The national report's guide where no test can be made: what the report compares t with.
NATIONAL_THRESHOLD = 5.0


def threshold_rule(threshold: float) -> str:
    """What t is, and whose: the national guide, or the city's own choice beside it."""
    t = format_number(threshold)
    said = f"達成・改善の目安は基準値からの変化 {t}% です（t = {t}%）。"
    if threshold == NATIONAL_THRESHOLD:
        return said + "統計的検定ができない場合に健康日本21（第二次）最終評価が目安とした値です。"
    return said + (
        "健康日本21（第二次）最終評価が統計的検定のできない場合の目安とした値は "
        f"{format_number(NATIONAL_THRESHOLD)}% で、この報告書ではそれと異なる {t}% を用いています。"
    )


def grade_rules(threshold: float) -> list[tuple[str, str]]:
    """Each grade with its definition, at the threshold (t %)."""
    t = format_number(threshold)
    return [
        ("A", f"目標値に達した（増加・減少の目標は、変化率が {t}% 以上）"),
        (
            "B",
            f"目標値に達していないが改善傾向にある: 変化率 {t}% 以上で、直近の実績の年度における"
            "基準値から目標値への直線上の値に達している（増やす目標は直線上の値以上、"
            "減らす目標は以下）",
        ),
        (
            "B*",
            "改善傾向にあるが目標年度までの到達が危ぶまれる: "
            f"変化率 {t}% 以上で、直線上の値に届かない",
        ),
        ("C", f"変わらない: 変化率が ±{t}% 未満"),
        ("D", f"悪化している: 変化率が −{t}% 以下"),
        (
            "E",
            "評価困難: 基準値が 0、または基準年度より後の実績値がない、"
            "または評価期間内の実績値がない",
        ),
        ("ベースラインのみ", "評価年度までの実績値がまだない"),
        (
            "有意差",
            "実績値に基準値との有意差の検定結果がある場合は、変化率ではなく検定で判定する: 改善 → "
            "B・B*（直線と比べる。増加・減少の目標は A）、変化なし → C、悪化 → D。"
            "ただし目標値に達した実績は、検定結果によらず A。"
            "標本調査の指標で検定結果がない場合は、変化率による暫定の評価",
        ),
        (
            "総合",
            "系列が複数ある指標: A=5・B=4（B*も）・C=3・D=2点を、E とベースラインのみを除く"
            "系列で平均し、五捨六入で"
            "A〜Dに戻す。Bとなった場合、各系列を目標年度に見込んだ評価（A・B → A、B* → B）の"
            "平均がAにならなければ B*（健康日本21（第二次）最終評価報告書 第2章）",
        ),
    ]
