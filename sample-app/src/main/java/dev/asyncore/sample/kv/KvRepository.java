package dev.asyncore.sample.kv;

import java.sql.DatabaseMetaData;
import java.util.Optional;
import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@code kv} table ({@code schema.sql}: {@code kv(k varchar(200) primary key, v varchar(4000))}) through Spring's
 * {@link JdbcClient}. Every method blocks on the database: call it from an offloaded call ({@code pushBlocking},
 * {@code executeBlocking}), never on a loop thread. Any thread but a loop's.
 *
 * <p>{@link #put} is an upsert in one statement where the database has one that is safe under concurrent writers of the
 * same key: H2's {@code MERGE ... KEY}, PostgreSQL's {@code INSERT ... ON CONFLICT}; elsewhere an update, then an insert
 * if no row was updated, in one transaction.
 */
@Repository
public class KvRepository {

    private static final String H2_UPSERT = "merge into kv (k, v) key (k) values (?, ?)";

    private static final String POSTGRESQL_UPSERT =
            "insert into kv (k, v) values (?, ?) on conflict (k) do update set v = excluded.v";

    private final JdbcClient jdbc;

    private final TransactionTemplate transactions;

    private final String upsert;

    /**
     * Creates the repository and picks the upsert statement from the database's product name (read once, on the thread
     * that refreshes the context).
     *
     * @param jdbc the client
     * @param dataSource the same database, to read its product name
     * @param transactions for the update-then-insert fallback
     * @throws MetaDataAccessException if the database cannot be reached to read its name
     */
    public KvRepository(JdbcClient jdbc, DataSource dataSource, TransactionTemplate transactions)
            throws MetaDataAccessException {
        this.jdbc = jdbc;
        this.transactions = transactions;
        String product = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
        this.upsert = switch (JdbcUtils.commonDatabaseName(product)) {
            case "H2" -> H2_UPSERT;
            case "PostgreSQL" -> POSTGRESQL_UPSERT;
            default -> null;
        };
    }

    /**
     * Returns the value of a key. Blocks; not on a loop thread.
     *
     * @param key the key
     * @return the value, or empty when the key is not there
     */
    public Optional<String> get(String key) {
        return this.jdbc
                .sql("select v from kv where k = ?")
                .param(key)
                .query(String.class)
                .optional();
    }

    /**
     * Stores a value under a key, replacing any value it had. Blocks; not on a loop thread.
     *
     * @param key the key
     * @param value the value
     */
    public void put(String key, String value) {
        if (this.upsert != null) {
            this.jdbc.sql(this.upsert).param(key).param(value).update();
            return;
        }
        this.transactions.executeWithoutResult((status) -> {
            int updated = this.jdbc
                    .sql("update kv set v = ? where k = ?")
                    .param(value)
                    .param(key)
                    .update();
            if (updated == 0) {
                this.jdbc
                        .sql("insert into kv (k, v) values (?, ?)")
                        .param(key)
                        .param(value)
                        .update();
            }
        });
    }

    /**
     * Removes a key. Blocks; not on a loop thread.
     *
     * @param key the key
     * @return whether the key was there
     */
    public boolean delete(String key) {
        return this.jdbc.sql("delete from kv where k = ?").param(key).update() > 0;
    }
}
