package io.jnerd.seccomp.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/**
 * One OCI {@code LinuxSeccompArg}: argument {@code index} compared by {@code op}
 * (SCMP_CMP_EQ, ...). For SCMP_CMP_MASKED_EQ, {@code value} is the mask and {@code valueTwo}
 * the expected result.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArgRule(
        int index,
        @JsonSerialize(using = UnsignedLongJson.Serializer.class)
        @JsonDeserialize(using = UnsignedLongJson.Deserializer.class)
        long value,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT)
        @JsonSerialize(using = UnsignedLongJson.Serializer.class)
        @JsonDeserialize(using = UnsignedLongJson.Deserializer.class)
        long valueTwo,
        String op) {
}
