// Random golden cases for Kafka's consumer partition assignors.
//
// This driver is our own code. run.sh compiles it together with Kafka's own
// assignor classes (taken from a Kafka git checkout at a fixed commit) and a
// few stand-in stubs, then runs it. It lives in Kafka's consumer package only
// so that it can call StickyAssignor.memberData, which is protected, to read
// back the owned partitions exactly as the leader decodes them.
//
// Usage: java org.apache.kafka.clients.consumer.KafkaRandomGolden OUT.json COMMIT
//            [--groups N] [--steps N] [--order-check]
//
// The model, per assignor and group (each group has its own seed, drawn from a
// fixed per-assignor master seed):
// - 1 to 3 topics from TOPIC_POOL with 1 to 40 partitions each; every member
//   subscribes to all of them. 1 to 12 initial members. In about 1 group of 4
//   every member has a group.instance.id "instance-<n>".
// - Member ids are "consumer-group-1-" + a version-4 UUID made from the seeded
//   Random.
// - Step 0: nobody owns anything. Each later step applies 1 or 2 changes
//   (a member joins, a member leaves, a topic gains 1 to 10 partitions), then
//   the leader assigns. A fresh leader-side assignor is used for every call,
//   with the members in a new HashMap in join order and the topics in a new
//   HashMap in the group's topic order. The call at step s makes generation
//   s + 1, so a member present at step s - 1 reports generation s.
// - Each member keeps its own client-side assignor instance and gets
//   onAssignment after every call, so the sticky assignor's user data is
//   Kafka's own serialization of the member's last assignment.
// - Cooperative: a member owns what it was just given (the withheld partitions
//   excluded). If anything was withheld, the next step makes no change: it is
//   the follow-up rebalance.
package org.apache.kafka.clients.consumer;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.AbstractPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.AbstractStickyAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;

public final class KafkaRandomGolden {
    /** Assignors in output order, by Kafka's name(). */
    static final String[] ASSIGNORS = {"range", "roundrobin", "sticky", "cooperative-sticky"};
    /** Topic names a group draws from. */
    static final String[] TOPIC_POOL = {"orders", "clicks", "t-1", "a", "payments", "x.y"};
    /** One master seed per assignor; each group's seed is drawn from it. */
    static final long BASE_SEED = 0x4B61666B61L; // "Kafka"
    static final String GROUP_ID = "group-1";
    static final String CLIENT_ID = "consumer-group-1";

    static final Comparator<TopicPartition> BY_TOPIC_PARTITION =
        Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    /** A consumer in the simulated group, as the consumer itself sees it. */
    static final class Member {
        final String id;
        final String instance; // group.instance.id or null
        /** The assignment it last received (what it owns now), in received order. */
        List<TopicPartition> owned = Collections.emptyList();
        /** Generation of that assignment, -1 before the first one. */
        int generation = -1;
        /** The member's own assignor instance (client side), for subscriptionUserData. */
        final ConsumerPartitionAssignor client;

        Member(String id, String instance, ConsumerPartitionAssignor client) {
            this.id = id;
            this.instance = instance;
            this.client = client;
        }
    }

    /** What the leader is given for one member, fixed before the call. */
    static final class Joined {
        final Member member;
        final List<String> topics;
        final byte[] userData; // null when the assignor sends none
        final List<TopicPartition> ownedPartitions; // Subscription.ownedPartitions
        final int generationId; // Subscription.generationId (-1 = none)

        Joined(Member member, List<String> topics, byte[] userData, List<TopicPartition> ownedPartitions, int generationId) {
            this.member = member;
            this.topics = topics;
            this.userData = userData;
            this.ownedPartitions = ownedPartitions;
            this.generationId = generationId;
        }

        /** The same member reporting its owned partitions in reverse order (for the order check). */
        Joined ownedReversed(String assignor) {
            List<TopicPartition> rev = new ArrayList<>(ownedPartitions);
            Collections.reverse(rev);
            byte[] ud = userData;
            if (assignor.equals("sticky") && userData != null) {
                AbstractStickyAssignor.MemberData md = new StickyAssignor().memberData(subscription());
                List<TopicPartition> parts = new ArrayList<>(md.partitions);
                Collections.reverse(parts);
                ByteBuffer b = StickyAssignor.serializeTopicPartitionAssignment(
                    new AbstractStickyAssignor.MemberData(parts, md.generation));
                ud = new byte[b.remaining()];
                b.get(ud);
            }
            return new Joined(member, topics, ud, Collections.unmodifiableList(rev), generationId);
        }

        /** A fresh Subscription (fresh user-data buffer), as the leader decodes it. */
        Subscription subscription() {
            ByteBuffer ud = userData == null ? null : ByteBuffer.wrap(userData.clone());
            Subscription s = new Subscription(topics, ud, ownedPartitions, generationId, Optional.empty());
            s.setGroupInstanceId(Optional.ofNullable(member.instance));
            return s;
        }
    }

    static AbstractPartitionAssignor newAssignor(String key) {
        switch (key) {
            case "range": return new RangeAssignor();
            case "roundrobin": return new RoundRobinAssignor();
            case "sticky": return new StickyAssignor();
            case "cooperative-sticky": return new CooperativeStickyAssignor();
            default: throw new IllegalArgumentException(key);
        }
    }

    /** A version-4 UUID string built from the seeded Random. */
    static String uuid4(Random r) {
        long msb = r.nextLong();
        long lsb = r.nextLong();
        msb = (msb & 0xFFFFFFFFFFFF0FFFL) | 0x0000000000004000L; // version 4
        lsb = (lsb & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(msb, lsb).toString();
    }

    /**
     * What a member receives: ConsumerProtocol.serializeAssignment groups the
     * leader's list by topic (topics in first-appearance order, partitions in
     * list order) and the member decodes it back into one list.
     */
    static List<TopicPartition> overTheWire(List<TopicPartition> assigned) {
        Map<String, List<TopicPartition>> byTopic = new LinkedHashMap<>();
        for (TopicPartition tp : assigned)
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp);
        List<TopicPartition> out = new ArrayList<>();
        byTopic.values().forEach(out::addAll);
        return out;
    }

    /** One recorded assign call. */
    static final class Call {
        final String assignor;
        final List<String> topicOrder;
        final Map<String, Integer> partitionCounts;
        final List<Joined> joined;
        Map<String, List<TopicPartition>> result;
        Map<TopicPartition, String> transferring; // null if not sticky or null from Kafka
        boolean sticky;

        Call(String assignor, List<String> topicOrder, Map<String, Integer> partitionCounts, List<Joined> joined) {
            this.assignor = assignor;
            this.topicOrder = topicOrder;
            this.partitionCounts = partitionCounts;
            this.joined = joined;
        }

        Map<String, Integer> partitionsPerTopic() {
            Map<String, Integer> m = new HashMap<>();
            for (String t : topicOrder) m.put(t, partitionCounts.get(t));
            return m;
        }

        /** Runs a fresh leader-side assignor on the members in the given order and map type. */
        Map<String, List<TopicPartition>> run(List<Joined> order, Supplier<Map<String, Subscription>> mapType,
                                             Map<TopicPartition, String>[] transferringOut) {
            AbstractPartitionAssignor leader = newAssignor(assignor);
            Map<String, Subscription> subs = mapType.get();
            for (Joined j : order) subs.put(j.member.id, j.subscription());
            Map<String, List<TopicPartition>> res = leader.assign(partitionsPerTopic(), subs);
            if (transferringOut != null && leader instanceof AbstractStickyAssignor) {
                Map<TopicPartition, String> t = ((AbstractStickyAssignor) leader).partitionsTransferringOwnership();
                transferringOut[0] = t == null ? null : new HashMap<>(t);
            }
            return res;
        }
    }

    /** Simulates one group and returns its calls. */
    static List<Call> simulateGroup(String assignor, long seed, int steps) {
        Random r = new Random(seed);
        int nTopics = 1 + r.nextInt(3);
        List<String> pool = new ArrayList<>(List.of(TOPIC_POOL));
        List<String> topics = new ArrayList<>();
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < nTopics; i++) {
            String t = pool.remove(r.nextInt(pool.size()));
            topics.add(t);
            counts.put(t, 1 + r.nextInt(40));
        }
        boolean staticMembers = r.nextInt(4) == 0;
        int[] instanceCounter = {0};
        Supplier<Member> newMember = () -> {
            String id = CLIENT_ID + "-" + uuid4(r);
            String instance = staticMembers ? "instance-" + (++instanceCounter[0]) : null;
            return new Member(id, instance, newAssignor(assignor));
        };
        List<Member> members = new ArrayList<>(); // join order, oldest first
        int initial = 1 + r.nextInt(12);
        for (int i = 0; i < initial; i++) members.add(newMember.get());

        boolean eagerSticky = assignor.equals("sticky");
        boolean cooperative = assignor.equals("cooperative-sticky");
        List<Call> calls = new ArrayList<>();
        boolean followUp = false;
        for (int step = 0; step < steps; step++) {
            if (step > 0 && !followUp) {
                int changes = 1 + r.nextInt(2);
                for (int c = 0; c < changes; c++) {
                    int kind = r.nextInt(3);
                    if (kind == 1 && members.size() == 1) kind = 0; // keep the group non-empty
                    if (kind == 0) {
                        members.add(newMember.get());
                    } else if (kind == 1) {
                        members.remove(r.nextInt(members.size()));
                    } else {
                        String t = topics.get(r.nextInt(topics.size()));
                        counts.put(t, counts.get(t) + 1 + r.nextInt(10));
                    }
                }
            }

            // Each member joins: what its consumer would put in the JoinGroup metadata.
            Map<String, Integer> countsNow = new HashMap<>(counts);
            List<Joined> joined = new ArrayList<>();
            for (Member m : members) {
                ByteBuffer ud = m.client.subscriptionUserData(new HashSet<>(topics));
                byte[] udBytes = null;
                if (ud != null) {
                    udBytes = new byte[ud.remaining()];
                    ud.duplicate().get(udBytes);
                }
                // ConsumerProtocol sends owned partitions sorted by topic then partition. An eager
                // consumer (range, roundrobin, sticky) has revoked everything before it rejoins, so
                // it really sends none. We pass them anyway to range and roundrobin, which ignore
                // them, so every non-sticky case has the same shape; the eager sticky assignor gets
                // them only through its user data, as in Kafka.
                List<TopicPartition> owned = new ArrayList<>(m.owned);
                owned.sort(BY_TOPIC_PARTITION);
                if (eagerSticky) owned = Collections.emptyList();
                joined.add(new Joined(m, List.copyOf(topics), udBytes, Collections.unmodifiableList(owned), m.generation));
            }

            Call call = new Call(assignor, List.copyOf(topics), countsNow, joined);
            call.sticky = eagerSticky || cooperative;
            @SuppressWarnings("unchecked")
            Map<TopicPartition, String>[] tr = new Map[1];
            call.result = call.run(joined, HashMap::new, tr);
            call.transferring = tr[0];
            calls.add(call);

            // Members receive their assignment; the group is now at generation step + 1.
            int generation = step + 1;
            for (Member m : members) {
                List<TopicPartition> got = overTheWire(call.result.get(m.id));
                m.owned = got;
                m.generation = generation;
                m.client.onAssignment(new Assignment(got),
                    new ConsumerGroupMetadata(GROUP_ID, generation, m.id, Optional.ofNullable(m.instance)));
            }
            // A cooperative member that had a partition withheld rejoins at once: the next
            // call is that follow-up rebalance, with no membership change.
            followUp = cooperative && call.transferring != null && !call.transferring.isEmpty();
        }
        return calls;
    }

    // ---- JSON ----

    static String str(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    static String tps(List<TopicPartition> l) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) b.append(',');
            b.append('[').append(str(l.get(i).topic())).append(',').append(l.get(i).partition()).append(']');
        }
        return b.append(']').toString();
    }

    /** The owned partitions and generation the leader's assignor decodes for a member. */
    static AbstractStickyAssignor.MemberData decoded(String assignor, Joined j) {
        Subscription s = j.subscription();
        if (assignor.equals("sticky")) return new StickyAssignor().memberData(s);
        return new AbstractStickyAssignor.MemberData(s.ownedPartitions(), s.generationId());
    }

    static String callJson(Call c) {
        StringBuilder b = new StringBuilder("{\"topics\":[");
        for (int i = 0; i < c.topicOrder.size(); i++) {
            String t = c.topicOrder.get(i);
            if (i > 0) b.append(',');
            b.append('[').append(str(t)).append(',').append(c.partitionCounts.get(t)).append(']');
        }
        b.append("],\"members\":[");
        for (int i = 0; i < c.joined.size(); i++) {
            Joined j = c.joined.get(i);
            AbstractStickyAssignor.MemberData md = decoded(c.assignor, j);
            if (i > 0) b.append(',');
            b.append("{\"id\":").append(str(j.member.id))
             .append(",\"instance\":").append(str(j.member.instance))
             .append(",\"generation\":").append(md.generation.map(String::valueOf).orElse("null"))
             .append(",\"owned\":").append(tps(md.partitions)).append('}');
        }
        b.append("],\"assignment\":{");
        for (int i = 0; i < c.joined.size(); i++) {
            String id = c.joined.get(i).member.id;
            if (i > 0) b.append(',');
            b.append(str(id)).append(':').append(tps(c.result.get(id)));
        }
        b.append("},\"transferring\":");
        if (!c.sticky || c.transferring == null) {
            b.append("null");
        } else {
            List<TopicPartition> keys = new ArrayList<>(c.transferring.keySet());
            keys.sort(BY_TOPIC_PARTITION);
            b.append('[');
            for (int i = 0; i < keys.size(); i++) {
                TopicPartition tp = keys.get(i);
                if (i > 0) b.append(',');
                b.append('[').append(str(tp.topic())).append(',').append(tp.partition()).append(',')
                 .append(str(c.transferring.get(tp))).append(']');
            }
            b.append(']');
        }
        return b.append('}').toString();
    }

    // ---- order sensitivity check (not part of the JSON) ----

    static boolean sameSets(Map<String, List<TopicPartition>> a, Map<String, List<TopicPartition>> b) {
        if (!a.keySet().equals(b.keySet())) return false;
        for (String k : a.keySet())
            if (!new HashSet<>(a.get(k)).equals(new HashSet<>(b.get(k)))) return false;
        return true;
    }

    /** The same call through the entry point a real leader uses, assign(Cluster, GroupSubscription). */
    static Map<String, List<TopicPartition>> runViaCluster(Call c) {
        AbstractPartitionAssignor leader = newAssignor(c.assignor);
        Map<String, Subscription> subs = new HashMap<>();
        for (Joined j : c.joined) subs.put(j.member.id, j.subscription());
        List<PartitionInfo> infos = new ArrayList<>();
        Node[] none = new Node[0];
        for (String t : c.topicOrder)
            for (int p = 0; p < c.partitionCounts.get(t); p++)
                infos.add(new PartitionInfo(t, p, Node.noNode(), none, none));
        Cluster cluster = new Cluster("cluster", Collections.emptyList(), infos, Collections.emptySet(), Collections.emptySet());
        Map<String, List<TopicPartition>> out = new HashMap<>();
        leader.assign(cluster, new ConsumerPartitionAssignor.GroupSubscription(subs)).groupAssignment()
            .forEach((id, a) -> out.put(id, a.partitions()));
        return out;
    }

    static void orderCheck(Map<String, List<List<Call>>> all, PrintStream out) {
        out.println("order check: each call rerun with the same inputs in another container order;");
        out.println("a/b = calls whose result differs from the recorded one (a: exact lists, b: as sets)");
        String[] names = {"members HashMap, reversed insertion", "members LinkedHashMap, reversed",
            "members LinkedHashMap, shuffled", "topics HashMap, reversed insertion",
            "assign(Cluster, GroupSubscription)", "each member's owned list reversed"};
        for (String a : ASSIGNORS) {
            int n = 0;
            int[] listDiff = new int[names.length];
            int[] setDiff = new int[names.length];
            int[] diffAtStep0 = new int[names.length];
            Random shuffle = new Random(BASE_SEED ^ a.hashCode());
            for (List<Call> group : all.get(a)) {
                for (int step = 0; step < group.size(); step++) {
                    Call c = group.get(step);
                    n++;
                    List<Joined> reversed = new ArrayList<>(c.joined);
                    Collections.reverse(reversed);
                    List<Joined> shuffled = new ArrayList<>(c.joined);
                    Collections.shuffle(shuffled, shuffle);
                    List<String> topicsReversed = new ArrayList<>(c.topicOrder);
                    Collections.reverse(topicsReversed);
                    Call topicsFlipped = new Call(c.assignor, topicsReversed, c.partitionCounts, c.joined);
                    List<Joined> ownedFlipped = new ArrayList<>();
                    for (Joined j : c.joined) ownedFlipped.add(j.ownedReversed(c.assignor));
                    List<Map<String, List<TopicPartition>>> variants = List.of(
                        c.run(reversed, HashMap::new, null),
                        c.run(reversed, LinkedHashMap::new, null),
                        c.run(shuffled, LinkedHashMap::new, null),
                        topicsFlipped.run(c.joined, HashMap::new, null),
                        runViaCluster(c),
                        c.run(ownedFlipped, HashMap::new, null));
                    for (int v = 0; v < names.length; v++) {
                        boolean listsDiffer = !c.result.equals(variants.get(v));
                        if (listsDiffer) listDiff[v]++;
                        if (!sameSets(c.result, variants.get(v))) setDiff[v]++;
                        if (listsDiffer && step == 0) diffAtStep0[v]++;
                    }
                }
            }
            out.printf("  %s (%d calls)%n", a, n);
            for (int v = 0; v < names.length; v++)
                out.printf("    %-38s %d/%d (of which at step 0: %d)%n", names[v], listDiff[v], setDiff[v], diffAtStep0[v]);
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: KafkaRandomGolden OUT.json COMMIT [--groups N] [--steps N] [--order-check]");
            System.exit(2);
        }
        String outPath = args[0];
        String commit = args[1];
        int groups = 40;
        int steps = 8;
        boolean check = false;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--groups": groups = Integer.parseInt(args[++i]); break;
                case "--steps": steps = Integer.parseInt(args[++i]); break;
                case "--order-check": check = true; break;
                default: throw new IllegalArgumentException(args[i]);
            }
        }

        Map<String, List<List<Call>>> all = new LinkedHashMap<>();
        for (int ai = 0; ai < ASSIGNORS.length; ai++) {
            String a = ASSIGNORS[ai];
            Random master = new Random(BASE_SEED + ai);
            List<List<Call>> gs = new ArrayList<>();
            for (int g = 0; g < groups; g++) gs.add(simulateGroup(a, master.nextLong(), steps));
            all.put(a, gs);
        }

        try (Writer w = Files.newBufferedWriter(Paths.get(outPath), StandardCharsets.UTF_8)) {
            w.write("{\"source\": " + str("apache/kafka commit " + commit
                + ", clients/src/main/java/org/apache/kafka/clients/consumer (RangeAssignor, RoundRobinAssignor, StickyAssignor, CooperativeStickyAssignor)") + ",\n");
            w.write("\"generator\": \"scripts/golden/kafka_assignors/run.sh\",\n");
            w.write("\"groups\": [\n");
            boolean firstGroup = true;
            for (String a : ASSIGNORS) {
                for (List<Call> group : all.get(a)) {
                    if (!firstGroup) w.write(",\n");
                    firstGroup = false;
                    w.write("{\"assignor\": " + str(a) + ", \"calls\": [\n");
                    for (int i = 0; i < group.size(); i++) {
                        w.write(callJson(group.get(i)));
                        w.write(i + 1 < group.size() ? ",\n" : "\n");
                    }
                    w.write("]}");
                }
            }
            w.write("\n]}\n");
        }

        for (String a : ASSIGNORS) {
            int calls = 0, withTransfers = 0, statics = 0;
            for (List<Call> group : all.get(a)) {
                calls += group.size();
                if (group.get(0).joined.get(0).member.instance != null) statics++;
                for (Call c : group)
                    if (c.transferring != null && !c.transferring.isEmpty()) withTransfers++;
            }
            System.err.printf("%-18s groups=%d (static %d) calls=%d calls-with-transfers=%d%n",
                a, all.get(a).size(), statics, calls, withTransfers);
        }
        if (check) orderCheck(all, System.err);
    }
}
