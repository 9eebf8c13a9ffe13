package io.eventdedup.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Client of a Confluent-compatible schema registry's REST API (Confluent, Karapace, Redpanda, Apicurio ccompat), Avro only.
 *
 * <p>How answers map onto {@link SchemaRegistry}'s two failure kinds matters more than anything else here, because a
 * {@link SchemaNotFoundException} sends a record to the DLQ while a {@link RegistryUnavailableException} pauses every source:
 * <ul>
 *   <li>A schema id is the sender's input. An id no registry can hold (&lt;= 0) is not found without a request. An id the registry
 *       says it lacks (404 with Confluent's error code 40403) is not found, and so is an id answered with a bare 4xx (no registry
 *       error code: some registries and proxies answer so for ids they cannot parse) <em>while the registry otherwise answers</em>:
 *       a cheap probe ({@code GET /schemas/types}, else {@code GET /subjects}) returns a JSON list. Either answer about an id is
 *       remembered for {@link RegistryClientSettings#NOT_FOUND_CACHE_TTL} ({@link NotFoundCache}), so garbage records cost the
 *       registry at most one request per id per interval.</li>
 *   <li>A bare 4xx while the probe fails too means a wrong base URL or a proxy in the way; that, 5xx after the retries, a registry
 *       that cannot be reached and rejected credentials are a {@link RegistryUnavailableException} naming the URL: it pauses
 *       processing, because no record is at fault.</li>
 * </ul>
 */
public final class HttpSchemaRegistry implements SchemaRegistry {
    // Confluent's error codes: subject not found, version not found, schema not found.
    private static final Set<Integer> NOT_FOUND_CODES = Set.of(40401, 40402, 40403);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a successful probe vouches for the registry, so many distinct garbage ids do not each cost a probe too. */
    static final Duration PROBE_TTL = Duration.ofSeconds(30);
    private static final List<String> PROBE_PATHS = List.of("/schemas/types", "/subjects");

    private final RegistryClientSettings settings;
    private final RegistryTransport transport;
    private final BoundedCache<Integer, Schema> schemasById;
    private final BoundedCache<SubjectSchema, Integer> idsBySubjectSchema;
    private final NotFoundCache missingIds;
    private final LongSupplier nanoClock;
    private volatile long probeValidUntilNanos;
    private volatile boolean probedOnce;

    private record SubjectSchema(String subject, Schema schema) {}

    public HttpSchemaRegistry(RegistryClientSettings settings) {
        this(settings, d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000));
    }

    HttpSchemaRegistry(RegistryClientSettings settings, RegistryTransport.Sleeper sleeper) {
        this(settings, sleeper, System::nanoTime);
    }

    /** @param nanoClock monotonic nanoseconds, for how long "not found" answers and probes are trusted; tests move it */
    HttpSchemaRegistry(RegistryClientSettings settings, RegistryTransport.Sleeper sleeper, LongSupplier nanoClock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.transport = new RegistryTransport(settings, sleeper);
        this.schemasById = new BoundedCache<>(settings.cacheCapacity());
        this.idsBySubjectSchema = new BoundedCache<>(settings.cacheCapacity());
        this.nanoClock = nanoClock;
        this.missingIds = new NotFoundCache(RegistryClientSettings.NOT_FOUND_CACHE_CAPACITY, RegistryClientSettings.NOT_FOUND_CACHE_TTL, nanoClock);
    }

    @Override
    public Schema schemaById(int id) {
        if (id <= 0) {
            throw new SchemaNotFoundException("schema id " + id + " cannot exist: schema registry ids are positive (registry not asked)");
        }
        Schema cached = schemasById.get(id);
        if (cached != null) return cached;
        String known = missingIds.reason(id);
        if (known != null) throw new SchemaNotFoundException(known);
        try {
            Schema schema = fetchSchema(id);
            schemasById.put(id, schema);
            return schema;
        } catch (SchemaNotFoundException e) {
            // An answer about this id (missing, not Avro, unparseable): ids are immutable, so it holds until the entry expires.
            missingIds.remember(id, e.getMessage() + "; remembered for " + RegistryClientSettings.NOT_FOUND_CACHE_TTL.toSeconds() + " s");
            throw e;
        }
    }

    private Schema fetchSchema(int id) {
        RegistryTransport.Response r = transport.exchange("GET", "/schemas/ids/" + id, null);
        if (r.status() >= 400 && r.status() < 500) { // 401/403/408/429 never get here: the transport handles them
            if (!(r.status() == 404 && NOT_FOUND_CODES.contains(errorCode(r)))) requireRegistryAnswersOtherwise(r);
            throw new SchemaNotFoundException("schema id " + id + " not found in the schema registry (" + r.describe(settings) + ")");
        }
        JsonNode body = expectOk(r);
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new SchemaNotFoundException("schema id " + id + " is a " + type + " schema, not an Avro schema");
        }
        // Without resolving references a parse fails on the first type defined elsewhere; say why instead of a parse error.
        if (body.path("references").size() > 0) {
            throw new SchemaNotFoundException("schema id " + id + " uses schema references, which this client does not resolve");
        }
        return parse(id, text(r, body, "schema"));
    }

    /**
     * Returns when the registry answers a cheap request as a registry does (a JSON list), so that a bare 4xx about one id is that
     * id's answer; otherwise throws {@link RegistryUnavailableException}: the base URL or a proxy is wrong, and every record would
     * be refused alike. A success is trusted for {@link #PROBE_TTL}.
     */
    private void requireRegistryAnswersOtherwise(RegistryTransport.Response about) {
        if (probedOnce && nanoClock.getAsLong() - probeValidUntilNanos < 0) return;
        StringBuilder answers = new StringBuilder();
        for (String path : PROBE_PATHS) {
            RegistryTransport.Response p = transport.exchange("GET", path, null); // unreachable after retries: propagates
            if (p.status() == 200 && isJsonArray(p.body())) {
                probeValidUntilNanos = nanoClock.getAsLong() + PROBE_TTL.toNanos();
                probedOnce = true;
                return;
            }
            answers.append("; ").append(p.describe(settings));
        }
        throw new RegistryUnavailableException("schema registry answered " + about.describe(settings)
                + " without a registry error code, and does not answer as a schema registry at that base URL either" + answers
                + ". Not the record's fault, so processing pauses: check that schema.registry.url is the base URL of the registry's"
                + " REST API (e.g. http://registry:8081, or with Apicurio's /apis/ccompat/v7 path) and that no proxy answers in its place");
    }

    private static boolean isJsonArray(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isArray();
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) return cached;
        RegistryTransport.Response r = transport.exchange("POST", "/subjects/" + encode(subject) + "/versions", schemaRequest(schema));
        if (isRefusal(r)) throw refused("register a schema under subject " + subject, r);
        int id = id(r, expectOk(r));
        idsBySubjectSchema.put(key, id);
        return id;
    }

    @Override
    public int idOf(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) return cached;
        RegistryTransport.Response r = transport.exchange("POST", "/subjects/" + encode(subject), schemaRequest(schema));
        if (r.status() == 404 && NOT_FOUND_CODES.contains(errorCode(r))) {
            throw new SchemaNotFoundException("schema not registered under subject " + subject + " (" + r.describe(settings) + ")");
        }
        if (isRefusal(r)) throw refused("look up a schema under subject " + subject, r);
        int id = id(r, expectOk(r));
        idsBySubjectSchema.put(key, id);
        return id;
    }

    /** Forgets cached answers. The HttpClient of Java 17 has nothing to close; its threads go with it. */
    @Override
    public void close() {
        schemasById.clear();
        missingIds.clear();
        idsBySubjectSchema.clear();
    }

    /** A subject is one path segment: '/' and spaces must be escaped ({@link URLEncoder} writes a space as '+', wrong in a path). */
    static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String schemaRequest(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString()); // no schemaType: absent means AVRO, and older registries reject the field
        return body.toString();
    }

    /** The body of a 200; anything else here (404 without a registry code, 3xx, 2xx that is not JSON) is not the record's fault. */
    private JsonNode expectOk(RegistryTransport.Response r) {
        if (r.status() != 200) throw unexpected(r, "unexpected status");
        try {
            JsonNode node = JSON.readTree(r.body());
            if (node == null || !node.isObject()) throw unexpected(r, "answer is not a JSON object");
            return node;
        } catch (JsonProcessingException e) {
            throw unexpected(r, "answer is not JSON");
        }
    }

    private int id(RegistryTransport.Response r, JsonNode body) {
        JsonNode id = body.get("id");
        if (id == null || !id.canConvertToInt()) throw unexpected(r, "answer has no integer 'id'");
        return id.intValue();
    }

    private String text(RegistryTransport.Response r, JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual()) throw unexpected(r, "answer has no text '" + field + "'");
        return v.asText();
    }

    private static Schema parse(int id, String text) {
        try {
            // Default values are not validated: this is a writer schema producers already use, and we never read defaults.
            return new Schema.Parser().setValidateDefaults(false).parse(text);
        } catch (SchemaParseException e) {
            throw new SchemaNotFoundException("schema id " + id + " is not a valid Avro schema: " + e.getMessage());
        }
    }

    private static int errorCode(RegistryTransport.Response r) {
        try {
            JsonNode node = JSON.readTree(r.body());
            return node != null && node.path("error_code").canConvertToInt() ? node.path("error_code").intValue() : -1;
        } catch (JsonProcessingException e) {
            return -1;
        }
    }

    /** A 4xx that is the request's fault (409 incompatible, 422 invalid...). A bare 404 is not: it is left to {@link #expectOk}. */
    private static boolean isRefusal(RegistryTransport.Response r) {
        return r.status() >= 400 && r.status() < 500 && r.status() != 404;
    }

    private RegistryRequestException refused(String what, RegistryTransport.Response r) {
        String message = r.body();
        try {
            JsonNode node = JSON.readTree(r.body());
            if (node != null && node.path("message").isTextual()) message = node.path("message").asText();
        } catch (JsonProcessingException ignored) {
            // not the registry's JSON error body: keep the raw text
        }
        int code = errorCode(r);
        return new RegistryRequestException("schema registry refused to " + what + ": HTTP " + r.status()
                + (code == -1 ? "" : ", error_code " + code) + RegistryTransport.excerpt(settings.redact(message))
                + " (" + r.method() + " " + r.uri() + ")", r.status(), code);
    }

    private RegistryUnavailableException unexpected(RegistryTransport.Response r, String why) {
        String hint = r.status() == 404 ? " (a 404 without a registry error code: is the base URL right?)" : "";
        return new RegistryUnavailableException("schema registry gave an answer this client cannot use, " + why + hint + ": "
                + r.describe(settings));
    }
}
