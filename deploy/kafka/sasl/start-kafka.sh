#!/usr/bin/env bash
# Kafka entry point of docker-compose.sasl.yml: a single KRaft node whose clients must log in (SASL/SCRAM-SHA-512)
# and are then held to the grants of acls.txt (init.sh applies them). The users and their passwords come from the
# environment; the broker's own user, admin, is created when the storage is formatted, the others too, so that nothing
# runs unauthenticated in between.
#
#   INTERNAL  kafka:19092      SASL_PLAINTEXT, SCRAM-SHA-512   the stack's containers
#   EXTERNAL  localhost:9092   SASL_PLAINTEXT, SCRAM-SHA-512   this machine (compose publishes it on 127.0.0.1)
#   CONTROLLER localhost:9093  SASL_PLAINTEXT, PLAIN (admin)   inside this container only; a KRaft controller cannot
#                                                              take SCRAM, whose credentials it stores itself
#
# The broker's settings are written here rather than by the image's own start scripts, whose layout changes between
# versions. WARROOM_KAFKA_PRINT_CONFIG=1 prints them instead of starting (for tests). SASL_PLAINTEXT proves who a
# client is without sending its password, but does not encrypt records: on a network others can listen to, use
# SASL_SSL (docs/operations.md, "Security").
set -euo pipefail

for variable in KAFKA_ADMIN_PASSWORD KAFKA_MONITOR_PASSWORD KAFKA_INGEST_PASSWORD KAFKA_OPS_PASSWORD; do
    value="${!variable:-}"
    if [ -z "$value" ]; then
        echo "$variable is not set: every Kafka user needs a password (see docker-compose.sasl.yml)" >&2
        exit 1
    fi
    # They go into JAAS lines and --add-scram arguments, where quotes, commas and brackets would break the syntax.
    if ! [[ "$value" =~ ^[A-Za-z0-9._~+/=-]{12,}$ ]]; then
        echo "$variable must be at least 12 characters of letters, digits and . _ ~ + / = - (openssl rand -base64 24)" >&2
        exit 1
    fi
done

config_dir="${WARROOM_KAFKA_CONFIG_DIR:-/tmp/warroom-kafka}"
config="$config_dir/server.properties"
umask 077
mkdir -p "$config_dir"
cat > "$config" <<PROPERTIES
process.roles=broker,controller
node.id=${KAFKA_NODE_ID:-1}
controller.quorum.voters=${KAFKA_NODE_ID:-1}@localhost:9093
controller.listener.names=CONTROLLER
listeners=INTERNAL://:19092,EXTERNAL://:9092,CONTROLLER://localhost:9093
advertised.listeners=INTERNAL://kafka:19092,EXTERNAL://localhost:9092
listener.security.protocol.map=INTERNAL:SASL_PLAINTEXT,EXTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
inter.broker.listener.name=INTERNAL
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
sasl.mechanism.controller.protocol=PLAIN
listener.name.internal.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.external.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.internal.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$KAFKA_ADMIN_PASSWORD";
listener.name.external.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$KAFKA_ADMIN_PASSWORD";
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$KAFKA_ADMIN_PASSWORD" user_admin="$KAFKA_ADMIN_PASSWORD";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin
log.dirs=${KAFKA_LOG_DIRS:-/tmp/kraft-combined-logs}
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPERTIES

if [ "${WARROOM_KAFKA_PRINT_CONFIG:-}" = 1 ]; then
    cat "$config"
    exit 0
fi

# Formats a fresh storage with the users' SCRAM credentials; a formatted one (a restarted container) keeps its own.
/opt/kafka/bin/kafka-storage.sh format --cluster-id "$CLUSTER_ID" --config "$config" --ignore-formatted \
    --add-scram "SCRAM-SHA-512=[name=admin,password=$KAFKA_ADMIN_PASSWORD]" \
    --add-scram "SCRAM-SHA-512=[name=warroom-monitor,password=$KAFKA_MONITOR_PASSWORD]" \
    --add-scram "SCRAM-SHA-512=[name=warroom-ingest,password=$KAFKA_INGEST_PASSWORD]" \
    --add-scram "SCRAM-SHA-512=[name=warroom-ops,password=$KAFKA_OPS_PASSWORD]"
exec /opt/kafka/bin/kafka-server-start.sh "$config"
