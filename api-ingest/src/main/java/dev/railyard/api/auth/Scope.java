package dev.railyard.api.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What an API key may do: {@code submit} creates work (jobs, batches, files, estimates), {@code read} reads the
 * tenant's own jobs, batches, files and spend, {@code admin} manages keys and budgets and reads every tenant's
 * spend. Admin is platform-wide: give it to operators only.
 */
public enum Scope {
    SUBMIT, READ, ADMIN;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Scope> of(String code) {
        return Arrays.stream(values()).filter(s -> s.code().equals(code)).findFirst();
    }
}
