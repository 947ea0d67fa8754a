package dev.railyard.config;

/**
 * A model served by a provider: the unit the router chooses between.
 *
 * @param model         the catalog model name clients ask for
 * @param providerModel the name the provider expects (often the same)
 */
public record Deployment(String id, String provider, String model, String providerModel) {
}
