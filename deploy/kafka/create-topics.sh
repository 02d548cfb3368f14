#!/bin/sh
# Creates warroom's topics, if missing, once Kafka answers: the input streams the monitor reads and the outputs it
# writes (topic auto-creation is off, as in production). docker-compose.yml runs it as the kafka-init service, against
# the stack's broker or, with KAFKA_BOOTSTRAP set, against a real cluster (set KAFKA_REPLICATION_FACTOR there).
set -eu

bootstrap="${KAFKA_BOOTSTRAP:-kafka:19092}"
partitions="${KAFKA_PARTITIONS:-4}"
replication="${KAFKA_REPLICATION_FACTOR:-1}"
dead_letter_retention="${DEAD_LETTER_RETENTION_MS:-604800000}"
# KAFKA_COMMAND_CONFIG: client settings for a Kafka that authenticates its clients (deploy/kafka/sasl/init.sh).
topics="/opt/kafka/bin/kafka-topics.sh --bootstrap-server $bootstrap${KAFKA_COMMAND_CONFIG:+ --command-config $KAFKA_COMMAND_CONFIG}"

tries=0
until $topics --list >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
        echo "Kafka at $bootstrap did not answer for 2 minutes" >&2
        exit 1
    fi
    sleep 2
done

for topic in clicks carts orders inventory campaign-stats campaign-alerts; do
    $topics --create --if-not-exists --topic "$topic" --partitions "$partitions" \
        --replication-factor "$replication"
done
# Dead letters hold (redacted) rejected input: they expire. An existing topic keeps its settings; change them with
# kafka-configs.sh --alter --entity-type topics --entity-name rejected-events --add-config retention.ms=...
$topics --create --if-not-exists --topic rejected-events --partitions "$partitions" \
    --replication-factor "$replication" --config retention.ms="$dead_letter_retention"
# Campaign updates (`warroom campaign push`): one partition keeps them in order; compaction keeps every campaign's
# latest definition for as long as the topic lives.
$topics --create --if-not-exists --topic campaign-config --partitions 1 --replication-factor "$replication" \
    --config cleanup.policy=compact
$topics --list
