""""Have we checked this before?": lookup latency at 1k, 10k and 100k checked claims.

    .venv/bin/python bench/matching_bench.py                      # SQLite
    .venv/bin/python bench/matching_bench.py --sizes 1000,10000   # smaller
    .venv/bin/python bench/matching_bench.py --smoke              # 100, 1000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck \\
        .venv/bin/python bench/matching_bench.py                  # PostgreSQL

For each size it imports generated Chinese and English claims, gives every one
a verdict and stores its MinHash sketch (setup, timed separately), then looks
up 200 probe claims one at a time with ``assisting.past_verdicts`` (what the
workspace's "checked before?" does) and one 55-claim article at once (what an
import does). Half the probes are near-copies of a checked claim (traditional
characters, full-width punctuation, a changed word); half are new sentences.
It prints per-claim latency percentiles, queries per lookup, the share of
near-copies found (recall) and of new sentences wrongly matched. It checks
that a lookup takes at most MAX_QUERIES queries, recall is at least
MIN_RECALL and wrong matches at most MAX_WRONG, and exits 1 otherwise. Runs in
a throwaway test database, which it creates and destroys.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ["DEBUG"] = "0"
# Benches make sources with made-up addresses: archive none of them.
os.environ["FETCH_ENABLED"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only")

import django

django.setup()
warnings.filterwarnings("ignore", "No directory at", UserWarning)

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from selfcheck import Checks

from annotations import assisting, services
from annotations.models import Article, Claim, ClaimSketch, Status, Verdict
from annotations.text import matching

SIZES = (1_000, 10_000, 100_000)
SMOKE_SIZES = (100, 1_000)
# The documented bounds: the claims sharing a sketch band, then their rows;
# every near-copy found so far, and no new sentence matched.
MAX_QUERIES = 2
MIN_RECALL = 0.95
MAX_WRONG = 0.05
PER_ARTICLE = 1_000
PROBES = 200

_ZH = {
    "who": (
        "英伟达 清华大学 伯克利 这家公司 研究团队 两位科学家 投资人 "
        "监管机构 开源社区 斯坦福大学 阿里 腾讯 华为 小米 字节跳动 "
        "百度 商汤 旷视 智谱 月之暗面"
    ).split(),
    "did": (
        "宣布 完成 获得 推出 收购 发布 开源 投资 起诉 任命 关闭 扩建 裁减 启动"
    ).split(),
    "what": "新一轮融资 大模型 芯片工厂 研究中心 专利 合作协议 数据中心 奖学金 实验室 "
    "自动驾驶项目 智能体平台 基础设施 安全报告 年度财报".split(),
    "unit": "万美元 亿元 名员工 个城市 项专利 倍 %".split(),
}
_EN = {
    "who": "Nvidia Tsinghua Berkeley Stanford Alibaba Tencent Huawei Baidu Microsoft "
    "Google Meta OpenAI Anthropic Nexusflow OmniML Lepton".split(),
    "did": "announced completed won launched acquired released opened invested "
    "sued appointed closed expanded cut started".split(),
    "what": "a funding round, a language model, a chip plant, a research centre, "
    "a patent, a partnership, a data centre, a scholarship, a lab, "
    "a robotaxi project, an agent platform, a safety report".split(", "),
}


def sentence(rng: random.Random) -> str:
    number = rng.randint(2, 9999)
    year = rng.randint(2001, 2025)
    if rng.random() < 0.6:
        return (
            f"{year}\u5e74{rng.choice(_ZH['who'])}{rng.choice(_ZH['did'])}"
            f"{rng.choice(_ZH['what'])},\u6d89\u53ca{number}{rng.choice(_ZH['unit'])}"
            f"\uff0c{rng.choice(_ZH['who'])}\u8868\u793a{rng.choice(_ZH['what'])}"
            f"\u5c06\u5728{rng.randint(1, 12)}\u6708\u4e0a\u7ebf\u3002"
        )
    return (
        f"In {year}, {rng.choice(_EN['who'])} {rng.choice(_EN['did'])} "
        f"{rng.choice(_EN['what'])} worth ${number} million, "
        f"{rng.choice(_EN['who'])} said on {rng.randint(1, 28)} "
        f"{rng.choice(['May', 'June', 'July', 'March'])}."
    )


@functools.cache
def _to_traditional():
    import opencc

    return opencc.OpenCC("s2t")


def near_copy(text: str, rng: random.Random) -> str:
    """The same claim as another outlet might print it."""
    copy = _to_traditional().convert(text).replace(",", "\uff0c")
    copy = copy.replace(".", "\u3002") if rng.random() < 0.5 else copy
    if rng.random() < 0.5:  # one word changed
        copy = copy.replace("\u8868\u793a", "\u79f0").replace(" said", " says")
    return copy


def populate(size: int, rng: random.Random) -> tuple[list[str], float]:
    started = time.perf_counter()
    texts = [sentence(rng) for _ in range(size)]
    for first in range(0, size, PER_ARTICLE):
        services.import_article(
            text="\n".join(texts[first : first + PER_ARTICLE]),
            title=f"Checked {first}",
            analyse=False,
        )
    now = timezone.now()
    Claim.objects.update(
        verdict=Verdict.VERIFIED, status=Status.DRAFT, verdict_at=now, kind="claim"
    )
    rows = list(Claim.objects.values_list("pk", "text"))
    normalised = [(matching.normalise(text), pk) for pk, text in rows]
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE annotations_claim SET normalised = %s WHERE id = %s", normalised
        )
    ClaimSketch.objects.bulk_create(
        (
            ClaimSketch(claim_id=pk, value=v)
            for text, pk in normalised
            for v in matching.sketch(text)
        ),
        batch_size=5000,
    )
    return [text for _pk, text in rows], time.perf_counter() - started


def probe(text: str, n: int) -> Claim:
    """An unsaved claim of another article, as an import would see it."""
    return Claim(pk=-n, article_id=-1, text=text, normalised=matching.normalise(text))


def measure(size: int, seed: int) -> dict:
    rng = random.Random(seed)
    Article.objects.all().delete()
    texts, setup = populate(size, rng)
    by_text = dict(Claim.objects.values_list("text", "pk"))
    copies = [rng.choice(texts) for _ in range(PROBES // 2)]
    probes = [(near_copy(t, rng), by_text[t]) for t in copies]
    probes += [(sentence(rng), None) for _ in range(PROBES - len(copies))]
    latencies, queries, found, wrong = [], [], 0, 0
    for n, (text, original) in enumerate(probes, start=1):
        claim = probe(text, n)
        with CaptureQueriesContext(connection) as context:
            started = time.perf_counter()
            matches = assisting.past_verdicts([claim]).get(claim.pk, [])
            latencies.append((time.perf_counter() - started) * 1000)
        queries.append(len(context))
        hits = [m.claim.pk for m in matches]
        if original is not None:
            found += original in hits
        else:
            wrong += bool(hits and not any(m.claim.text == text for m in matches))
    article = [probe(text, 1000 + n) for n, (text, _o) in enumerate(probes[:55])]
    started = time.perf_counter()
    assisting.past_verdicts(article)
    batch = (time.perf_counter() - started) * 1000
    latencies.sort()
    return {
        "size": size,
        "setup": setup,
        "p50": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95) - 1],
        "p99": latencies[int(len(latencies) * 0.99) - 1],
        "queries": max(queries),
        "recall": found / len(copies),
        "wrong": wrong / (PROBES - len(copies)),
        "batch": batch,
        "sketch_rows": ClaimSketch.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--smoke", action="store_true", help="sizes 100 and 1000")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    if args.smoke:
        sizes = list(SMOKE_SIZES)
    checks = Checks()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"database: {connection.vendor}; {PROBES} probes per size")
        print(
            f"{'checked':>8} {'setup s':>8} {'p50 ms':>7} {'p95 ms':>7} "
            f"{'p99 ms':>7} {'queries':>7} {'recall':>7} {'wrong':>6} "
            f"{'55 at once ms':>13} {'sketch rows':>11}"
        )
        for size in sizes:
            r = measure(size, args.seed)
            print(
                f"{r['size']:>8,} {r['setup']:>8.1f} {r['p50']:>7.2f} {r['p95']:>7.2f} "
                f"{r['p99']:>7.2f} {r['queries']:>7} {r['recall']:>7.0%} "
                f"{r['wrong']:>6.0%} {r['batch']:>13.1f} {r['sketch_rows']:>11,}",
                flush=True,
            )
            checks.expect(
                r["queries"] <= MAX_QUERIES,
                f"{size}: {r['queries']} queries per lookup, more than {MAX_QUERIES}",
            )
            checks.expect(
                r["recall"] >= MIN_RECALL,
                f"{size}: {r['recall']:.0%} of near-copies found, under "
                f"{MIN_RECALL:.0%}",
            )
            checks.expect(
                r["wrong"] <= MAX_WRONG,
                f"{size}: {r['wrong']:.0%} of new sentences matched, over "
                f"{MAX_WRONG:.0%}",
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    checks.finish()


if __name__ == "__main__":
    main()
