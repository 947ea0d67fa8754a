package dev.railyard.api.files;

import dev.railyard.api.http.JsonlStream;
import java.io.IOException;
import java.io.InputStream;

/** The chunks of a source read as one stream. */
final class ChunkInputStream extends InputStream {
    private final JsonlStream.Source chunks;
    private byte[] chunk = new byte[0];
    private int position;
    private boolean ended;

    ChunkInputStream(JsonlStream.Source chunks) {
        this.chunks = chunks;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (position == chunk.length) {
            if (ended) {
                return -1;
            }
            try {
                byte[] next = chunks.next();
                if (next == null) {
                    ended = true;
                    return -1;
                }
                chunk = next;
                position = 0;
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("reading a stored file failed: " + e.getMessage(), e);
            }
        }
        int n = Math.min(len, chunk.length - position);
        System.arraycopy(chunk, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        try {
            chunks.close();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
