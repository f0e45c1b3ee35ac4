# Fills a Tomodachi turn journal (schema 2) with generated turns for the tuning benchmarks: python3 tuning-fill-journal.py JOURNAL.db COUNT
import sqlite3, random, sys
random.seed(8)
db = sqlite3.connect(sys.argv[1])
n = int(sys.argv[2])
base = 1_795_856_400 * 10**9  # 2026-11-28T09:00:00Z
rows = []
for i in range(n):
    tps = 20 - 8 * i / n + random.uniform(-1, 1)
    tokens = random.randint(20, 120)
    latency = 400 + tokens / tps * 1000 + random.uniform(0, 300)
    started = base + i * 60 * 10**9
    rating = random.choice([1, 1, -1, None, None, None, None])
    rows.append((f"bench-{i}", f"s{i % 10}", started, started + int(latency * 1e6), "bench-model", "tomodachi", "", 0,
                 "STOP_REASON_END_OF_GENERATION", 30, tokens, 100.0, 5.0, 20.0, 80.0, tokens / tps * 1000, latency, tps, 300.0, 1, 2,
                 f"user message number {i} with some words", f"a reply number {i} " * 8, rating))
db.executemany("INSERT INTO turns (turn_id, session_id, started_at_unix_ns, finished_at_unix_ns, model_id, persona, adapter, demo, stop_reason, prompt_tokens, completion_tokens, time_to_first_token_ms, orchestrator_ms, retrieval_ms, prompt_eval_ms, generation_ms, total_latency_ms, generation_tokens_per_second, prompt_tokens_per_second, memory_available, memories_used, user_message, reply, rating) VALUES (" + ",".join("?" * 24) + ")", rows)
db.commit()
print(db.execute("select count(*), sum(rating=1) from turns").fetchone())
