#!/usr/bin/env bash
# JobManager entry point of docker-compose.yml: runs `warroom run` in Flink application mode once there is a campaign
# to monitor, resuming from the newest retained checkpoint if there is one. Arguments are passed on to `run`.
set -euo pipefail

campaigns=/opt/warroom/campaigns
checkpoints=/opt/flink/checkpoints

# With the generator profile, the simulated sale's campaign file is written a moment after this container starts;
# with WARROOM_CAMPAIGNS set, the files are there at once.
shopt -s nullglob
until files=("$campaigns"/*.yaml "$campaigns"/*.yml) && [ ${#files[@]} -gt 0 ]; do
    echo "Waiting for campaign files in $campaigns: set WARROOM_CAMPAIGNS to your folder, or start the stack with" \
        "--profile generator for a simulated sale."
    sleep 5
done

# Without Flink HA a new JobManager starts a new job: restoring the last checkpoint keeps the totals and the Kafka
# offsets together. `docker compose down -v` removes the checkpoints for a fresh start.
restore=()
latest=$(find "$checkpoints" -mindepth 3 -maxdepth 3 -path '*/chk-*/_metadata' -printf '%T@ %h\n' 2>/dev/null \
    | sort -rn | head -n 1 | cut -d ' ' -f 2-)
if [ -n "$latest" ]; then
    echo "Resuming from checkpoint $latest"
    restore=(--restore "file://$latest")
fi

# With docker-compose.sasl.yml, the monitor logs in to Kafka as WARROOM_KAFKA_USERNAME.
kafka_config=()
if [ -n "${WARROOM_KAFKA_USERNAME:-}" ]; then
    kafka_config=(--kafka-config "$(bash /opt/warroom/sasl/client-config.sh)")
fi

exec /docker-entrypoint.sh standalone-job --job-classname io.warroom.cli.WarroomCli \
    run --campaign "$campaigns" "${restore[@]}" "${kafka_config[@]}" "$@"
