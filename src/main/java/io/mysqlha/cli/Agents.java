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
import java.util.function.Supplier;

/** The agents the jar provides, and how each is wired to its adapters. */
final class Agents {
    private Agents() {}

    /** Builds an agent for one action. */
    interface Factory {
        OcfAgent create(OcfEnv env, OcfLog log, OcfCommand.Host host);
    }

    /** One agent: its meta-data and its factory. */
    record Kind(String name, Supplier<String> metaDataXml, String usage, List<ParamSpec> params, Factory factory) {
        OcfAgent create(OcfEnv env, OcfLog log, OcfCommand.Host host) {
            return factory.create(env, log, host);
        }

        String metaData() {
            return metaDataXml.get();
        }
    }

    static final Kind MYSQL = new Kind("mysql", MysqlAgent::metaData,
            "start|stop|monitor|promote|demote|notify|validate-all|meta-data", MysqlParams.PARAMS, (env, log, host) -> {
                Params p = Params.resolve(env, MysqlParams.PARAMS);
                return new MysqlAgent(env, log, p, OcfCommand.mysqlPorts(env, p));
            });

    static final Kind VIP = new Kind("vip", VipAgent::metaData, "start|stop|monitor|validate-all|meta-data",
            VipParams.PARAMS, (env, log, host) -> new VipAgent(env, log, OcfCommand.vipPorts(host)));

    static final Kind LVS = new Kind("lvs", LvsAgent::metaData, "start|stop|monitor|validate-all|meta-data",
            LvsParams.PARAMS, (env, log, host) -> LvsWiring.create(env, log));

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
