package io.chatsessions.web;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * Every /api response carries chat content or could (errors echo fields), so none may be kept by a shared or browser
 * cache ({@code no-store}) or sniffed into another type ({@code nosniff}). Ordered right after {@link RequestIdFilter},
 * before security and the rate limit, so their 401 and 429 answers get the headers too.
 */
@ServerFilter(ApiPaths.ALL)
public class ApiResponseHeadersFilter implements Ordered {

    static final String NO_STORE = "no-store";
    static final String NOSNIFF = "nosniff";

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE + 1;
    }

    @ResponseFilter
    public void secure(MutableHttpResponse<?> response) {
        response.getHeaders().set(HttpHeaders.CACHE_CONTROL, NO_STORE);
        response.getHeaders().set("X-Content-Type-Options", NOSNIFF);
    }
}
