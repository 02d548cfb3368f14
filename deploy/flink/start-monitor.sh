#!/usr/bin/env bash
# JobManager entry point of docker-compose.yml: runs `warroom run` in Flink application mode once there is a campaign
# to monitor. With the generator profile, the campaign file of the simulated sale is written a moment after this
# container starts; with WARROOM_CAMPAIGNS set, the files are there at once. Arguments are passed on to `run`.
set -euo pipefail

campaigns=/opt/warroom/campaigns
shopt -s nullglob
until files=("$campaigns"/*.yaml "$campaigns"/*.yml) && [ ${#files[@]} -gt 0 ]; do
    echo "Waiting for campaign files in $campaigns: set WARROOM_CAMPAIGNS to your folder, or start the stack with" \
        "--profile generator for a simulated sale."
    sleep 5
done

exec /docker-entrypoint.sh standalone-job --job-classname io.warroom.cli.WarroomCli \
    run --campaign "$campaigns" "$@"
