# Sourced: turn_vars fills the array turn with pgbench -D options for append_one.sql / append_batch.sql, from the
# chat turn of bench/payload/turn.properties (the same bytes the main benchmark appends), users 1..10000 and their
# sessions 1..10 as bench/search/load.sql makes them.
turn_vars() {
  turn=(-D u_lo=1 -D u_hi=10000 -D k_lo=1 -D k_hi=10)
  local key value
  while IFS='=' read -r key value; do
    case "$key" in
      user.content) turn+=(-D "user_content=$value") ;;
      user.metadata) turn+=(-D "user_metadata=$value") ;;
      assistant.content) turn+=(-D "assistant_content=$value") ;;
      assistant.sources) turn+=(-D "assistant_sources=$value") ;;
      assistant.latency_ms) turn+=(-D "latency_ms=$value") ;;
      assistant.top_k) turn+=(-D "top_k=$value") ;;
      assistant.query_type) turn+=(-D "query_type=$value") ;;
      assistant.metadata) turn+=(-D "assistant_metadata=$value") ;;
    esac
  done < bench/payload/turn.properties
}
