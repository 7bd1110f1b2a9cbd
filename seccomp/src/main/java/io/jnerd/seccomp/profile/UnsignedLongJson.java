package io.jnerd.seccomp.profile;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.math.BigInteger;

/**
 * Argument values in OCI profiles are uint64 (Go), e.g. 18446744073709551615 for -1; Java holds
 * them in a long with the same bits.
 */
final class UnsignedLongJson {

    private static final BigInteger MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private UnsignedLongJson() {}

    static final class Deserializer extends StdDeserializer<Long> {
        private static final long serialVersionUID = 1L;

        Deserializer() {
            super(Long.class);
        }

        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                return (Long) ctxt.handleUnexpectedToken(Long.class, p);
            }
            BigInteger v = p.getBigIntegerValue();
            if (v.signum() < 0 || v.compareTo(MAX) > 0) {
                throw ctxt.weirdNumberException(v, Long.class, "not an unsigned 64-bit value");
            }
            return v.longValue();
        }

        /** A missing valueTwo is 0, as in Go. */
        @Override
        public Long getNullValue(DeserializationContext ctxt) {
            return 0L;
        }
    }

    static final class Serializer extends StdSerializer<Long> {
        private static final long serialVersionUID = 1L;

        Serializer() {
            super(Long.class);
        }

        @Override
        public void serialize(Long value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeNumber(new BigInteger(Long.toUnsignedString(value)));
        }
    }
}
