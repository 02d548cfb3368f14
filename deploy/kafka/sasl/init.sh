#!/usr/bin/env bash
# kafka-init of docker-compose.sasl.yml: creates the topics (create-topics.sh) and grants acls.txt, as the broker's
# admin user. Both steps are idempotent: a restarted stack creates and grants what is missing.
set -euo pipefail

bootstrap="${KAFKA_BOOTSTRAP:-kafka:19092}"
export WARROOM_KAFKA_USERNAME=admin WARROOM_KAFKA_PASSWORD="${KAFKA_ADMIN_PASSWORD:?KAFKA_ADMIN_PASSWORD is not set}"
config=$(bash /opt/warroom/sasl/client-config.sh)
trap 'rm -f "$config"' EXIT

KAFKA_COMMAND_CONFIG="$config" sh /opt/warroom/create-topics.sh

# acls.txt: principal, operations (comma-separated), resource type (topic, group, transactional-id), name, pattern.
while read -r principal operations resource name pattern; do
    case "$principal" in '' | '#'*) continue ;; esac
    args=(--allow-principal "User:$principal" "--$resource" "$name" --resource-pattern-type "$pattern")
    IFS=, read -r -a granted <<< "$operations"
    for operation in "${granted[@]}"; do
        args+=(--operation "$operation")
    done
    /opt/kafka/bin/kafka-acls.sh --bootstrap-server "$bootstrap" --command-config "$config" --add "${args[@]}"
done < /opt/warroom/sasl/acls.txt
