package dev.railyard.budget.report;

import java.math.BigDecimal;
import java.util.List;

/**
 * Whether the ledger agrees with the results: for every terminal job, the sum of its ledger entries equals
 * the cost its result event carried (kept on the job row), and so the totals agree.
 *
 * @param ledgerTotal     the sum of every ledger entry
 * @param resultsTotal    the sum of the costs of every terminal job's result
 * @param jobsChecked     terminal jobs compared
 * @param mismatchedJobs  jobs whose ledger entries do not add up to their result's cost
 * @param sampleMismatched up to 20 of those job ids
 */
public record Reconciliation(BigDecimal ledgerTotal, BigDecimal resultsTotal, long ledgerEntries, long jobsChecked,
                             long mismatchedJobs, List<String> sampleMismatched) {
    public Reconciliation {
        sampleMismatched = List.copyOf(sampleMismatched);
    }

    public boolean balanced() {
        return mismatchedJobs == 0 && ledgerTotal.compareTo(resultsTotal) == 0;
    }
}
