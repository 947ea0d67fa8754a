package dev.railyard.simulator;

import java.util.SplittableRandom;

/** Deterministic embedding vectors, shared by every family that embeds. */
public final class Vectors {
    private Vectors() {
    }

    /** A unit-length vector that depends only on the input, so equal inputs embed equally. */
    public static float[] unit(String input, int dimensions) {
        SplittableRandom random = new SplittableRandom(TextGenerator.hash(input));
        float[] v = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
            norm += (double) v[i] * v[i];
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dimensions; i++) {
            v[i] *= scale;
        }
        return v;
    }

    /**
     * The vector as a JSON array. Floats are most of an embeddings answer; the JDK's shortest-repr formatting
     * into one reused buffer beats writing them one by one through a JSON generator.
     */
    public static String jsonArray(float[] vector, StringBuilder out) {
        out.setLength(0);
        out.append('[');
        for (int i = 0; i < vector.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(vector[i]);
        }
        return out.append(']').toString();
    }
}
