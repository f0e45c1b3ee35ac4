#!/usr/bin/env bash
# Beside a load run: every 20 s, each Release-built service's RSS split as the kernel counts it (anonymous memory,
# file pages such as the assemblies' code, shared memory such as the JIT's double-mapped code heap), the GC's
# committed memory and managed heap after its last collection (from the service's own /metrics), JIT-compiled
# methods, gen2 collections and threads. A flat heap under a rising RSS is the runtime (gen0 budget, JIT code) or
# native memory, not objects kept alive. Stop it with Ctrl+C.
#   benchmarks/Tomodachi.LoadRun/heap-sampler.sh > /tmp/heaps.log
while true; do
  line="$(date +%H:%M:%S)"
  for name in Inference Memory Knob Gateway Web; do
    pid=$(pgrep -f "bin/Release/net10.0/Tomodachi.$name$" | head -1)
    [ -z "$pid" ] && continue
    rss=$(awk '/^(VmRSS|RssAnon|RssFile|RssShmem):/{printf "%s%d", (n++ ? "/" : ""), $2/1024}' /proc/$pid/status)
    url=$(tr '\0' '\n' < /proc/$pid/environ | awk -F= '/^Kestrel__Endpoints__http__Url=/{print $2}')
    m=$(curl -s --max-time 3 $url/metrics)
    com=$(echo "$m" | awk '/^dotnet_gc_last_collection_memory_committed_size_bytes/{printf "%d", $2/1048576}')
    heap=$(echo "$m" | awk '/^dotnet_gc_last_collection_heap_size_bytes/{s+=$2} END{printf "%d", s/1048576}')
    g2=$(echo "$m" | awk '/^dotnet_gc_collections_total.*gen2/{printf "%d", $2}')
    jit=$(echo "$m" | awk '/^dotnet_jit_compiled_methods_total/{printf "%d", $2}')
    thr=$(ls /proc/$pid/task | wc -l)
    line+=" | $name rss/anon/file/shm=$rss com=$com heap=$heap jit=$jit g2=$g2 thr=$thr"
  done
  echo "$line"
  sleep 20
done
