package io.jnerd.engine.sign.notation;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jnerd.engine.sign.SignatureException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * notation's OCI trust policy document (version 1.0): statements selected by registry
 * scope, each with a verification level, trust stores and trusted identities. The whole
 * document is checked when read (as notation does), so a policy with a mistake anywhere
 * fails every verification with a line that names the mistake.
 */
public final class TrustPolicy {
    private static final JsonMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** The checks whose failure a level enforces or only logs (integrity is always enforced). */
    public enum Check { AUTHENTICITY, AUTHENTIC_TIMESTAMP, EXPIRY, REVOCATION }

    /** What a level does with a failed check. */
    public enum Action { ENFORCE, LOG, SKIP }

    /** One entry of {@code trustPolicies}. */
    public record Statement(String name, List<String> registryScopes, String level, Map<Check, Action> actions,
                            boolean timestampAfterCertExpiryOnly, List<String> trustStores,
                            boolean anyIdentity, List<TrustedIdentity> identities) {
        public boolean skip() {
            return level.equals("skip");
        }

        public Action action(Check check) {
            return actions.get(check);
        }

        /** The names of stores of {@code type} ("ca:x" gives "x"). */
        public List<String> stores(String type) {
            List<String> names = new ArrayList<>();
            for (String s : trustStores) {
                if (s.startsWith(type + ":")) {
                    names.add(s.substring(type.length() + 1));
                }
            }
            return names;
        }
    }

    private final Path file;
    private final List<Statement> statements;

    private TrustPolicy(Path file, List<Statement> statements) {
        this.file = file;
        this.statements = List.copyOf(statements);
    }

    public static TrustPolicy read(Path file) throws SignatureException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new SignatureException("no notation trust policy: " + file + " does not exist");
        } catch (IOException e) {
            throw new SignatureException("cannot read trust policy " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes, file);
    }

    static TrustPolicy parse(byte[] bytes, Path file) throws SignatureException {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new SignatureException("trust policy " + file + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !"1.0".equals(root.path("version").asText(null))) {
            throw new SignatureException("trust policy " + file + " is not version \"1.0\"");
        }
        JsonNode list = root.path("trustPolicies");
        if (!list.isArray() || list.isEmpty()) {
            throw new SignatureException("trust policy " + file + " has no trustPolicies");
        }
        List<Statement> statements = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> scopes = new HashSet<>();
        for (JsonNode s : list) {
            Statement st = statement(s);
            if (!names.add(st.name())) {
                throw new SignatureException("trust policy " + file + ": two statements are named \"" + st.name() + "\"");
            }
            for (String scope : st.registryScopes()) {
                if (!scopes.add(scope)) {
                    throw new SignatureException("trust policy " + file + ": registry scope \"" + scope
                            + "\" is in more than one statement");
                }
            }
            statements.add(st);
        }
        return new TrustPolicy(file, statements);
    }

    /**
     * The statement for a repository ({@code registry/namespace/name}): the one whose scopes
     * name it exactly, else the global one; none is a refusal.
     */
    public Statement select(String repository) throws SignatureException {
        Optional<Statement> global = Optional.empty();
        for (Statement s : statements) {
            if (s.registryScopes().contains(repository)) {
                return s;
            }
            if (s.registryScopes().contains("*")) {
                global = Optional.of(s);
            }
        }
        return global.orElseThrow(() -> new SignatureException("no statement of trust policy " + file
                + " has registry scope " + repository + " (and none is global \"*\")"));
    }

    private static Statement statement(JsonNode s) throws SignatureException {
        String name = s.path("name").asText("");
        if (name.isEmpty()) {
            throw new SignatureException("trust policy statement without a name");
        }
        String where = "trust policy \"" + name + "\"";
        List<String> scopes = strings(s.path("registryScopes"), where + " registryScopes");
        if (scopes.isEmpty()) {
            throw new SignatureException(where + " has no registryScopes");
        }
        for (String scope : scopes) {
            if (scope.equals("*") ? scopes.size() > 1 : scope.contains("*") || !scope.contains("/")) {
                throw new SignatureException(where + ": registry scope \"" + scope
                        + "\" must be a full repository (registry/namespace/name) or a lone \"*\"");
            }
        }
        JsonNode verification = s.path("signatureVerification");
        String level = verification.path("level").asText("");
        Map<Check, Action> actions = levelActions(level, where);
        boolean afterExpiryOnly = false;
        JsonNode verifyTimestamp = verification.get("verifyTimestamp");
        if (verifyTimestamp != null) {
            switch (verifyTimestamp.asText("")) {
                case "always": break;
                case "afterCertExpiry": afterExpiryOnly = true; break;
                default: throw new SignatureException(where + ": verifyTimestamp \"" + verifyTimestamp.asText()
                        + "\" (always or afterCertExpiry)");
            }
        }
        List<String> stores = strings(s.path("trustStores"), where + " trustStores");
        List<String> identityTexts = strings(s.path("trustedIdentities"), where + " trustedIdentities");
        if (level.equals("skip")) {
            if (scopes.contains("*")) {
                throw new SignatureException(where + ": level skip cannot have the global scope \"*\"");
            }
            if (!stores.isEmpty() || !identityTexts.isEmpty() || verification.has("override")) {
                throw new SignatureException(where + ": level skip takes no trustStores, trustedIdentities or override");
            }
            return new Statement(name, scopes, level, actions, afterExpiryOnly, stores, false, List.of());
        }
        overrides(verification.path("override"), actions, where);
        if (stores.isEmpty()) {
            throw new SignatureException(where + " has no trustStores");
        }
        for (String store : stores) {
            int colon = store.indexOf(':');
            if (colon < 0 || !TrustStore.TYPES.contains(store.substring(0, colon)) || colon == store.length() - 1) {
                throw new SignatureException(where + ": trust store \"" + store + "\" is not TYPE:NAME (ca, signingAuthority, tsa)");
            }
        }
        if (identityTexts.isEmpty()) {
            throw new SignatureException(where + " has no trustedIdentities");
        }
        if (identityTexts.contains("*")) {
            if (identityTexts.size() > 1) {
                throw new SignatureException(where + ": trusted identity \"*\" must stand alone");
            }
            return new Statement(name, scopes, level, actions, afterExpiryOnly, stores, true, List.of());
        }
        List<TrustedIdentity> identities = new ArrayList<>();
        for (String text : identityTexts) {
            TrustedIdentity id = TrustedIdentity.parse(text, name);
            for (TrustedIdentity earlier : identities) {
                if (earlier.overlaps(id)) {
                    throw new SignatureException(where + ": trusted identities \"" + earlier + "\" and \"" + id + "\" overlap");
                }
            }
            identities.add(id);
        }
        return new Statement(name, scopes, level, actions, afterExpiryOnly, stores, false, identities);
    }

    // The table of the specification: what each level enforces and what it only logs.
    private static Map<Check, Action> levelActions(String level, String where) throws SignatureException {
        Map<Check, Action> a = new EnumMap<>(Check.class);
        switch (level) {
            case "strict":
                a.put(Check.AUTHENTICITY, Action.ENFORCE);
                a.put(Check.AUTHENTIC_TIMESTAMP, Action.ENFORCE);
                a.put(Check.EXPIRY, Action.ENFORCE);
                a.put(Check.REVOCATION, Action.ENFORCE);
                return a;
            case "permissive":
                a.put(Check.AUTHENTICITY, Action.ENFORCE);
                a.put(Check.AUTHENTIC_TIMESTAMP, Action.LOG);
                a.put(Check.EXPIRY, Action.LOG);
                a.put(Check.REVOCATION, Action.LOG);
                return a;
            case "audit":
                for (Check c : Check.values()) {
                    a.put(c, Action.LOG);
                }
                return a;
            case "skip":
                for (Check c : Check.values()) {
                    a.put(c, Action.SKIP);
                }
                return a;
            default:
                throw new SignatureException(where + ": signatureVerification level \"" + level
                        + "\" (strict, permissive, audit or skip)");
        }
    }

    private static void overrides(JsonNode override, Map<Check, Action> actions, String where) throws SignatureException {
        if (override.isMissingNode()) {
            return;
        }
        for (var it = override.fields(); it.hasNext(); ) {
            var e = it.next();
            Check check;
            switch (e.getKey()) {
                case "authenticity": check = Check.AUTHENTICITY; break;
                case "authenticTimestamp": check = Check.AUTHENTIC_TIMESTAMP; break;
                case "expiry": check = Check.EXPIRY; break;
                case "revocation": check = Check.REVOCATION; break;
                default: throw new SignatureException(where + ": override of \"" + e.getKey()
                        + "\" (authenticity, authenticTimestamp, expiry, revocation)");
            }
            String value = e.getValue().asText("");
            switch (value) {
                case "enforce": actions.put(check, Action.ENFORCE); break;
                case "log": actions.put(check, Action.LOG); break;
                case "skip":
                    if (check != Check.REVOCATION) {
                        throw new SignatureException(where + ": only revocation can be overridden to skip");
                    }
                    actions.put(check, Action.SKIP);
                    break;
                default: throw new SignatureException(where + ": override value \"" + value + "\" (enforce, log, skip)");
            }
        }
    }

    private static List<String> strings(JsonNode array, String what) throws SignatureException {
        if (array.isMissingNode() || array.isNull()) {
            return List.of();
        }
        if (!array.isArray()) {
            throw new SignatureException(what + " is not a list");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            if (!n.isTextual()) {
                throw new SignatureException(what + " has a non-string entry " + n);
            }
            out.add(n.asText());
        }
        return out;
    }
}
