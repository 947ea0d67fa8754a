package dev.railyard.router.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * The variant a route's split assigned a job to.
 *
 * @param variant       the variant's target, or null without a split
 * @param by            the attribute the assignment was keyed by, as said in the reason
 * @param deploymentIds the deployments of the variant
 * @param served        whether one of them passed the filters; if none did, the job leaves the split
 */
record Split(String variant, String by, List<String> deploymentIds, boolean served) {
    static final Split NONE = new Split(null, null, List.of(), false);

    /** The variant recorded on the decision: only one the job actually runs in. */
    String recorded() {
        return served ? variant : null;
    }

    /** The variant's candidates first, then the others (still fallbacks), each group best first. */
    List<Scoring.Scored> ordered(List<Scoring.Scored> ranked) {
        if (!served) {
            return ranked;
        }
        List<Scoring.Scored> inVariant = new ArrayList<>();
        List<Scoring.Scored> others = new ArrayList<>();
        for (Scoring.Scored s : ranked) {
            (deploymentIds.contains(s.candidate().deployment().id()) ? inVariant : others).add(s);
        }
        inVariant.addAll(others);
        return inVariant;
    }
}
