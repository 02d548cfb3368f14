#!/usr/bin/env bash
# Writes a Kafka client properties file for WARROOM_KAFKA_USERNAME and WARROOM_KAFKA_PASSWORD (SCRAM-SHA-512 over
# SASL_PLAINTEXT, as start-kafka.sh serves it), readable by this user only, and prints its path: the --kafka-config of
# warroom's commands in docker-compose.sasl.yml.
set -euo pipefail
: "${WARROOM_KAFKA_USERNAME:?WARROOM_KAFKA_USERNAME is not set}"
: "${WARROOM_KAFKA_PASSWORD:?WARROOM_KAFKA_PASSWORD is not set}"
umask 077
file=$(mktemp "${TMPDIR:-/tmp}/warroom-kafka.XXXXXX")
cat > "$file" <<PROPERTIES
security.protocol=${WARROOM_KAFKA_SECURITY_PROTOCOL:-SASL_PLAINTEXT}
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$WARROOM_KAFKA_USERNAME" password="$WARROOM_KAFKA_PASSWORD";
PROPERTIES
echo "$file"
