package dev.railyard.budget.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.config.BudgetPeriod;
import dev.railyard.config.BudgetSpec;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BudgetRequestsTest {
    final BudgetRequests requests = new BudgetRequests(Set.of("gpt-4o"), Set.of("openai"));

    static byte[] json(String s) {
        return s.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void reads_a_budget_with_its_scope_value_under_the_scope_key() {
        BudgetSpec b = requests.create(json("{'id':'team-a','scope':'tenant','tenant':'a','period':'daily','limit_usd':'1.00',"
                + "'action':'reject','alert_at':[25,90],'alert_webhook':'https://hooks.example/b'}"));
        assertThat(b).isEqualTo(new BudgetSpec("team-a", BudgetSpec.Scope.TENANT, "a", BudgetPeriod.DAILY, new BigDecimal("1.00"),
                BudgetSpec.Action.REJECT, List.of(25, 90), "https://hooks.example/b"));
    }

    @Test
    void a_json_number_limit_is_read_exactly_from_its_text_keeping_its_scale() {
        BudgetSpec b = requests.create(json("{'id':'g','scope':'global','period':'total','limit_usd':0.10,'action':'warn'}"));
        assertThat(b.limitUsd()).isEqualTo(new BigDecimal("0.10")); // equals: value and scale
        assertThat(b.alertAt()).isEqualTo(BudgetSpec.DEFAULT_ALERT_AT);
        assertThat(b.alertWebhook()).isNull();
        BudgetSpec tiny = requests.create(json("{'id':'g','scope':'api_key','api_key':'k1','period':'hourly',"
                + "'limit_usd':0.000000000001,'action':'defer'}"));
        assertThat(tiny.limitUsd()).isEqualTo(new BigDecimal("0.000000000001"));
        assertThat(tiny.scope()).isEqualTo(BudgetSpec.Scope.API_KEY);
        assertThat(tiny.action()).isEqualTo(BudgetSpec.Action.DEFER);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{'scope':'global','period':'daily','limit_usd':1,'action':'warn'}                                   | id",
            "{'id':'a b','scope':'global','period':'daily','limit_usd':1,'action':'warn'}                        | id",
            "{'id':'x','scope':'team','period':'daily','limit_usd':1,'action':'warn'}                            | scope",
            "{'id':'x','scope':'tenant','period':'daily','limit_usd':1,'action':'warn'}                          | tenant",
            "{'id':'x','scope':'global','model':'gpt-4o','period':'daily','limit_usd':1,'action':'warn'}         | model",
            "{'id':'x','scope':'model','model':'gpt-9','period':'daily','limit_usd':1,'action':'warn'}           | model",
            "{'id':'x','scope':'provider','provider':'acme','period':'daily','limit_usd':1,'action':'warn'}      | provider",
            "{'id':'x','scope':'global','period':'yearly','limit_usd':1,'action':'warn'}                         | period",
            "{'id':'x','scope':'global','period':'daily','limit_usd':'-1','action':'warn'}                       | limit_usd",
            "{'id':'x','scope':'global','period':'daily','limit_usd':'ten','action':'warn'}                      | limit_usd",
            "{'id':'x','scope':'global','period':'daily','limit_usd':true,'action':'warn'}                       | limit_usd",
            "{'id':'x','scope':'global','period':'daily','limit_usd':'0.0000000000001','action':'warn'}          | limit_usd",
            "{'id':'x','scope':'global','period':'daily','limit_usd':'1000000000000','action':'warn'}            | limit_usd",
            "{'id':'x','scope':'global','period':'daily','action':'warn'}                                        | limit_usd",
            "{'id':'x','scope':'global','period':'daily','limit_usd':1,'action':'block'}                         | action",
            "{'id':'x','scope':'global','period':'daily','limit_usd':1,'action':'warn','alert_at':[80,50]}       | alert_at",
            "{'id':'x','scope':'global','period':'daily','limit_usd':1,'action':'warn','alert_at':[0]}           | alert_at",
            "{'id':'x','scope':'global','period':'daily','limit_usd':1,'action':'warn','alert_at':[50.5]}        | alert_at",
            "{'id':'x','scope':'global','period':'daily','limit_usd':1,'action':'warn','alert_at':'50'}          | alert_at",
            "{'id':'x','scope':'global','period':'daily','limit_usd':1,'action':'warn','alert_webhook':'ftp://x'} | alert_webhook",
            "{'id':'x','scope':'global','period':'daily','limit_usd':1,'action':'warn','alert_webhook':'/hook'}  | alert_webhook",
            "{'id':'x','scope':'global','period':'daily','limit_usd':1,'action':'warn','colour':'red'}           | colour",
    })
    void an_invalid_field_is_named(String body, String field) {
        assertThatThrownBy(() -> requests.create(json(body)))
                .isInstanceOfSatisfying(BudgetRequestException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("invalid_value");
                    assertThat(e.param()).isEqualTo(field);
                    assertThat(e.getMessage()).startsWith(field.equals("colour") ? "colour" : field.equals("provider") ? "provider" : field);
                });
    }

    @Test
    void a_body_that_is_not_a_json_object_is_refused() {
        for (String body : List.of("", "[]", "{", "{'id':'a','id':'b'}")) {
            assertThatThrownBy(() -> requests.create(json(body)))
                    .isInstanceOfSatisfying(BudgetRequestException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
    }

    @Test
    void a_patch_changes_only_limit_action_and_alerts() {
        BudgetSpec current = new BudgetSpec("t", BudgetSpec.Scope.TENANT, "a", BudgetPeriod.DAILY, new BigDecimal("1"),
                BudgetSpec.Action.REJECT, List.of(50), "https://hooks.example/b");
        BudgetSpec patched = requests.patch(current, json("{'limit_usd':'2.5','alert_webhook':null}"));
        assertThat(patched).isEqualTo(new BudgetSpec("t", BudgetSpec.Scope.TENANT, "a", BudgetPeriod.DAILY, new BigDecimal("2.5"),
                BudgetSpec.Action.REJECT, List.of(50), null));
        assertThat(requests.patch(current, json("{'action':'warn','alert_at':[]}")).alertAt()).isEmpty();
        assertThatThrownBy(() -> requests.patch(current, json("{'period':'hourly'}")))
                .isInstanceOfSatisfying(BudgetRequestException.class, e -> assertThat(e.param()).isEqualTo("period"));
        assertThatThrownBy(() -> requests.patch(current, json("{'limit_usd':null}")))
                .isInstanceOfSatisfying(BudgetRequestException.class, e -> assertThat(e.param()).isEqualTo("limit_usd"));
    }
}
