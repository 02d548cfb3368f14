package io.warroom.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Versions of campaigns in force from their effective times, and what an update may not change. */
class CampaignTimelineTest {
    private static final long START = 1794326400000L; // 2026-11-11T00:00+08:00
    private static final long MINUTE = 60_000L;

    private static final String BASE = """
            campaign_id: c1
            start: "2026-11-11T00:00:00+08:00"
            end: "2026-11-11T02:00:00+08:00"
            gmv_target: "1000.00"
            """;

    @Test
    void anUpdateIsInForceFromItsEffectiveTimeOnly() throws Exception {
        CampaignTimeline timeline = files(BASE).with(update(BASE.replace("1000.00", "2000.00"), "00:30"));

        assertThat(timeline.inForce("c1", START + 30 * MINUTE - 1).gmvTargetCents()).isEqualTo(100_000);
        assertThat(timeline.inForce("c1", START + 30 * MINUTE).gmvTargetCents()).isEqualTo(200_000);
        assertThat(timeline.get("c1").gmvTargetCents()).as("the first version").isEqualTo(100_000);
    }

    @Test
    void updatesOrderByEffectiveTimeWhateverTheOrderTheyArriveIn() throws Exception {
        CampaignTimeline timeline = files(BASE)
                .with(update(BASE.replace("1000.00", "3000.00"), "01:00"))
                .with(update(BASE.replace("1000.00", "2000.00"), "00:30"));

        assertThat(timeline.inForce("c1", START + 45 * MINUTE).gmvTargetCents()).isEqualTo(200_000);
        assertThat(timeline.inForce("c1", START + 60 * MINUTE).gmvTargetCents()).isEqualTo(300_000);
    }

    @Test
    void theSameEffectiveTimeAgainReplacesThatVersion() throws Exception {
        CampaignTimeline timeline = files(BASE)
                .with(update(BASE.replace("1000.00", "2000.00"), "00:30"))
                .with(update(BASE.replace("1000.00", "2500.00"), "00:30"));

        assertThat(timeline.versions().get("c1")).hasSize(2);
        assertThat(timeline.inForce("c1", START + 30 * MINUTE).gmvTargetCents()).isEqualTo(250_000);
    }

    @Test
    void aNewCampaignExistsFromItsEffectiveTime() throws Exception {
        CampaignTimeline timeline = files(BASE).with(update(BASE.replace("c1", "c2"), "00:20"));

        assertThat(timeline.containing(START + 19 * MINUTE)).extracting(CampaignDefinition::campaignId)
                .containsExactly("c1");
        assertThat(timeline.containing(START + 20 * MINUTE)).extracting(CampaignDefinition::campaignId)
                .containsExactly("c1", "c2");
        assertThat(timeline.at("c2", START)).isNull();
    }

    @Test
    void aLaterEndingCampaignMovesTheLatestEnd() throws Exception {
        CampaignTimeline timeline = files(BASE).with(update(BASE.replace("c1", "c2")
                .replace("02:00:00", "05:00:00"), "00:20"));

        assertThat(timeline.latestEnd()).isEqualTo(START + 5 * 60 * MINUTE);
    }

    @Test
    void anUpdateCannotMoveAPublishedCampaignsWindow() throws Exception {
        CampaignTimeline timeline = files(BASE);

        assertThatThrownBy(() -> timeline.with(update(BASE.replace("02:00:00", "03:00:00"), "00:30")))
                .isInstanceOf(CampaignConfigException.class)
                .hasMessageContaining("start and end cannot change");
    }

    @Test
    void anUpdateNeedsItsEffectiveTime() {
        assertThatThrownBy(() -> CampaignLoader.parseUpdate("push.yaml", BASE.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CampaignConfigException.class)
                .satisfies(e -> assertThat(((CampaignConfigException) e).problems())
                        .containsExactly("push.yaml: effective_from: is required"));
    }

    @Test
    void anUpdateIsValidatedLikeACampaignFile() {
        String offMinute = BASE + "pacing: [{ at: \"2026-11-11T00:30:30+08:00\", share: 0.5 }]\n";

        assertThatThrownBy(() -> update(offMinute, "00:10"))
                .isInstanceOf(CampaignConfigException.class)
                .satisfies(e -> assertThat(((CampaignConfigException) e).problems()).containsExactly(
                        "push.yaml: pacing[0].at: must be on a whole minute (or be the campaign's end)"));
    }

    private static CampaignTimeline files(String yaml) throws CampaignConfigException {
        return CampaignTimeline.of(new CampaignCatalog(List.of(
                CampaignLoader.parse("c.yaml", yaml.getBytes(StandardCharsets.UTF_8)))));
    }

    private static CampaignVersion update(String yaml, String effectiveAt) throws CampaignConfigException {
        String document = yaml + "effective_from: \"2026-11-11T" + effectiveAt + ":00+08:00\"\n";
        return CampaignLoader.parseUpdate("push.yaml", document.getBytes(StandardCharsets.UTF_8));
    }
}
