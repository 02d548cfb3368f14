package io.warroom.generator;

import java.util.ArrayList;
import java.util.List;

/**
 * One visit of a user: a run of clicks through one channel, and a basket of carted items not yet ordered. It lives
 * only while something of it is scheduled, so memory follows the sessions in flight, not the whole sale.
 */
final class Session {
    /** One add-to-cart in the basket; it leaves the basket when a checkout takes it. */
    static final class Carted {
        final int item;
        final long quantity;
        boolean ordered;

        Carted(int item, long quantity) {
            this.item = item;
            this.quantity = quantity;
        }
    }

    final String userId;
    /** Null when the client sends no channel. */
    final String channel;

    int clicksLeft;
    final List<Carted> basket = new ArrayList<>(2);

    Session(String userId, String channel, int clicks) {
        this.userId = userId;
        this.channel = channel;
        this.clicksLeft = clicks;
    }
}
