// Reads "req|resp <apiKey> <version> <hex>" lines on stdin and answers each with what Apache Kafka's
// own generated message classes make of those bytes: "OK <hex re-encoded by Kafka>", "ERR ..." or SKIP.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

public final class KafkaCodecOracle {
    public static void main(String[] args) throws Exception {
        HexFormat hex = HexFormat.of();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] parts = line.split(" ", -1);
            short apiKey = Short.parseShort(parts[1]);
            short version = Short.parseShort(parts[2]);
            try {
                ApiMessageType type = ApiMessageType.fromApiKey(apiKey);
                // Versions this Kafka no longer (or not yet) has cannot be compared.
                if (version < type.lowestSupportedVersion() || version > type.highestSupportedVersion(true)) {
                    System.out.println("SKIP");
                    continue;
                }
                ApiMessage message = parts[0].equals("req") ? type.newRequest() : type.newResponse();
                ByteBuffer input = ByteBuffer.wrap(hex.parseHex(parts[3]));
                message.read(new ByteBufferAccessor(input), version);
                if (input.hasRemaining()) {
                    System.out.println("ERR " + input.remaining() + " bytes left unread");
                    continue;
                }
                ObjectSerializationCache cache = new ObjectSerializationCache();
                ByteBuffer output = ByteBuffer.allocate(message.size(cache, version));
                message.write(new ByteBufferAccessor(output), cache, version);
                System.out.println("OK " + hex.formatHex(output.array()));
            } catch (RuntimeException e) {
                System.out.println("ERR " + e.toString().replace('\n', ' '));
            }
        }
    }
}
