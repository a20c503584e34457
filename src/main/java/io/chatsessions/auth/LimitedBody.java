package io.chatsessions.auth;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/** A response body read into memory up to a limit; a larger one (declared or sent) fails the read and is cancelled. */
final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {

    private final long maxBytes;
    private final long declaredBytes;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private byte[] bytes = new byte[0];
    private int length;
    private Flow.Subscription subscription;

    private LimitedBody(long maxBytes, long declaredBytes) {
        this.maxBytes = maxBytes;
        this.declaredBytes = declaredBytes;
    }

    static HttpResponse.BodyHandler<byte[]> handler(long maxBytes) {
        return info -> new LimitedBody(maxBytes, info.headers().firstValueAsLong("Content-Length").orElse(-1));
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (declaredBytes > maxBytes) {
            subscription.cancel();
            result.completeExceptionally(tooLarge(declaredBytes));
            return;
        }
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            int remaining = buffer.remaining();
            if ((long) length + remaining > maxBytes) {
                subscription.cancel();
                result.completeExceptionally(tooLarge((long) length + remaining));
                return;
            }
            if (length + remaining > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(length + remaining, Math.min((int) maxBytes, bytes.length * 2 + 4096)));
            }
            buffer.get(bytes, length, remaining);
            length += remaining;
        }
    }

    @Override
    public void onError(Throwable failure) {
        result.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        result.complete(java.util.Arrays.copyOf(bytes, length));
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    private IOException tooLarge(long size) {
        return new IOException("body of at least " + size + " bytes is over the limit of " + maxBytes);
    }
}
