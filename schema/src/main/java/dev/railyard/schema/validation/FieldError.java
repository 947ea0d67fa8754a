package dev.railyard.schema.validation;

/**
 * One problem with a job request, naming the field (a JSON path such as {@code body.messages[0].role}).
 *
 * @param code a stable machine-readable code, e.g. {@code missing_field}
 */
public record FieldError(String field, String code, String message) {
    @Override
    public String toString() {
        return field + ": " + message;
    }
}
