package io.mysqlha.cli;

import io.mysqlha.agent.LvsAgent;
import io.mysqlha.agent.LvsParams;
import io.mysqlha.agent.MysqlAgent;
import io.mysqlha.agent.MysqlParams;
import io.mysqlha.agent.OcfAgent;
import io.mysqlha.agent.VipAgent;
import io.mysqlha.agent.VipParams;
import io.mysqlha.ocf.OcfEnv;
import io.mysqlha.ocf.OcfLog;
import io.mysqlha.ocf.ParamSpec;
import io.mysqlha.ocf.Params;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/** The agents the jar provides, and how each is wired to its adapters. */
final class Agents {
    private Agents() {}

    /** One agent: its meta-data and its factory. */
    record Kind(String name, Supplier<String> metaDataXml, String usage, List<ParamSpec> params,
                BiFunction<OcfEnv, OcfLog, OcfAgent> factory) {
        OcfAgent create(OcfEnv env, OcfLog log) {
            return factory.apply(env, log);
        }

        String metaData() {
            return metaDataXml.get();
        }
    }

    static final Kind MYSQL = new Kind("mysql", MysqlAgent::metaData,
            "start|stop|monitor|promote|demote|notify|validate-all|meta-data", MysqlParams.PARAMS, (env, log) -> {
                Params p = Params.resolve(env, MysqlParams.PARAMS);
                return new MysqlAgent(env, log, p, OcfCommand.mysqlPorts(env, p));
            });

    static final Kind VIP = new Kind("vip", VipAgent::metaData, "start|stop|monitor|validate-all|meta-data",
            VipParams.PARAMS, (env, log) -> new VipAgent(env, log, OcfCommand.vipPorts()));

    static final Kind LVS = new Kind("lvs", LvsAgent::metaData, "start|stop|monitor|validate-all|meta-data",
            LvsParams.PARAMS, LvsWiring::create);

    static Kind kind(String name) {
        return switch (name) {
            case "mysql" -> MYSQL;
            case "vip" -> VIP;
            case "lvs" -> LVS;
            default -> null;
        };
    }

    static String names() {
        return "mysql vip lvs";
    }
}
