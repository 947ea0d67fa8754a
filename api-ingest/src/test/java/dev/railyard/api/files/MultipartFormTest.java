package dev.railyard.api.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.api.http.ApiException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MultipartFormTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "multipart/form-data; boundary=abc|abc",
            "multipart/form-data; boundary=\"a b;c\"|a b;c",
            "Multipart/Form-Data;charset=utf-8;BOUNDARY=x-1|x-1",
            "application/json|",
            "multipart/form-data|"})
    void reads_the_boundary_of_a_form_content_type(String contentType, String boundary) {
        assertThat(MultipartForm.boundary(contentType)).isEqualTo(boundary);
    }

    @Test
    void locates_parts_after_a_preamble_with_or_without_filename_and_with_no_headers() throws Exception {
        String body = "preamble to ignore\r\n--b\r\n"
                + "Content-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                + "--b  \r\nContent-Disposition: form-data; name=\"file\"\r\nContent-Type: application/jsonl\r\n\r\n"
                + "{\"x\":\"--b\"}\r\n\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"named\"; filename=\"a \\\"q\\\".jsonl\"\r\n\r\n\r\n"
                + "--b--\r\nepilogue";
        MultipartForm form = MultipartForm.read(write(body), "b");

        assertThat(form.parts()).extracting(MultipartForm.Part::name).containsExactly("purpose", "file", "named");
        assertThat(form.text(form.named("purpose").get(0))).isEqualTo("batch");
        MultipartForm.Part file = form.named("file").get(0);
        assertThat(file.filename()).isNull();
        assertThat(file.contentType()).isEqualTo("application/jsonl");
        try (InputStream in = form.open(file)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"x\":\"--b\"}\r\n");
        }
        MultipartForm.Part named = form.named("named").get(0);
        assertThat(named.filename()).isEqualTo("a \"q\".jsonl");
        assertThat(named.length()).isZero();
    }

    @Test
    void finds_a_boundary_at_the_very_start_and_across_read_blocks() throws Exception {
        byte[] big = new byte[200_000];
        java.util.Arrays.fill(big, (byte) '-');
        String body = "--zz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n" + new String(big, StandardCharsets.ISO_8859_1)
                + "\r\n--zz--";
        MultipartForm form = MultipartForm.read(write(body), "zz");

        assertThat(form.named("file")).singleElement().extracting(MultipartForm.Part::length).isEqualTo((long) big.length);
    }

    @Test
    void refuses_a_body_without_its_closing_boundary_or_a_part_without_a_name() throws Exception {
        assertThatThrownBy(() -> MultipartForm.read(write("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n"), "b"))
                .isInstanceOf(ApiException.class).hasMessageContaining("closing boundary");
        assertThatThrownBy(() -> MultipartForm.read(write("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--"), "b"))
                .isInstanceOf(ApiException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> MultipartForm.read(write("no boundary at all"), "b"))
                .isInstanceOf(ApiException.class);
    }

    @Test
    void cleans_filenames_and_defaults_by_purpose() {
        assertThat(FileRoutes.filename(null, "batch")).isEqualTo("upload.jsonl");
        assertThat(FileRoutes.filename("", "user_data")).isEqualTo("upload");
        assertThat(FileRoutes.filename("/etc/x/../in.jsonl", "batch")).isEqualTo("in.jsonl");
        assertThat(FileRoutes.filename("a\u0000b.jsonl", "batch")).isEqualTo("ab.jsonl");
        assertThat(FileRoutes.filename("x".repeat(300), "batch")).hasSize(255);
    }

    private Path write(String body) throws Exception {
        Path file = Files.createTempFile(dir, "body", ".multipart");
        Files.write(file, body.getBytes(StandardCharsets.ISO_8859_1));
        return file;
    }
}
