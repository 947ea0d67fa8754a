package dev.railyard.budget.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.config.BudgetPeriod;
import dev.railyard.config.BudgetSpec;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThresholdsTest {

    static BudgetSpec budget(String limit) {
        return new BudgetSpec("b", BudgetSpec.Scope.GLOBAL, null, BudgetPeriod.DAILY, new BigDecimal(limit), BudgetSpec.Action.WARN,
                List.of(50, 80, 100), null);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1.00 | 0               | ''",
            "1.00 | 0.499999999999  | ''",
            "1.00 | 0.5             | 50",
            "1.00 | 0.799999999999  | 50",
            "1.00 | 0.8             | 50,80",
            "1.00 | 1.000000000000  | 50,80,100",
            "1.00 | 7               | 50,80,100",
            "0    | 0               | ''",
            "0    | 0.000000000001  | 50,80,100",
            "0.000000000003 | 0.000000000002 | 50",
    })
    void a_threshold_is_reached_at_exactly_its_share_of_the_limit(String limit, String spent, String expected) {
        List<Integer> want = expected.isEmpty() ? List.of() : Arrays.stream(expected.split(",")).map(Integer::valueOf).toList();
        assertThat(Thresholds.reached(budget(limit), new BigDecimal(spent))).isEqualTo(want);
    }
}
