package io.chatsessions.web;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Content-Security-Policy for Swagger UI: scripts only from this origin plus the one inline bootstrap script of the
 * generated index.html (allowed by its SHA-256, computed from the packaged page so a new UI version keeps working),
 * no plugins, no framing, requests only to this origin. Styles may be inline: the UI sets style attributes itself.
 */
@ServerFilter("/swagger-ui/**")
public class SwaggerUiCspFilter implements Ordered {

    static final String INDEX = "META-INF/swagger/views/swagger-ui/index.html";
    private static final Pattern INLINE_SCRIPT = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);

    private final String policy = policy(inlineScriptHashes());

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE + 1;
    }

    @ResponseFilter
    public void secure(MutableHttpResponse<?> response) {
        response.getHeaders().set("Content-Security-Policy", policy);
        response.getHeaders().set("X-Content-Type-Options", "nosniff");
    }

    static String policy(String scriptHashes) {
        return "default-src 'self'; script-src 'self'" + scriptHashes + "; style-src 'self' 'unsafe-inline'; "
                + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                + "form-action 'self'; frame-ancestors 'none'";
    }

    /** " 'sha256-...'" for each inline script of the packaged index.html; empty when there is no UI. */
    static String inlineScriptHashes() {
        try (InputStream in = SwaggerUiCspFilter.class.getClassLoader().getResourceAsStream(INDEX)) {
            if (in == null) {
                return "";
            }
            String html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            StringBuilder hashes = new StringBuilder();
            Matcher script = INLINE_SCRIPT.matcher(html);
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            while (script.find()) {
                byte[] digest = sha256.digest(script.group(1).getBytes(StandardCharsets.UTF_8));
                hashes.append(" 'sha256-").append(Base64.getEncoder().encodeToString(digest)).append('\'');
            }
            return hashes.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
