#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""The rule file as a PrometheusRule of the Prometheus Operator.

    monitoring/prometheusrule.py monitoring/eunomia-rules.yml >deploy/monitoring/prometheusrule.yaml

(make monitoring does it). The groups are the rule file's, unchanged.
"""
import sys

import yaml


def block(dumper, s):
    """Multi-line expressions as literal blocks, as in the rule file."""
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style="|" if "\n" in s else None)


def main(path):
    with open(path, encoding="utf-8") as f:
        rules = yaml.safe_load(f)
    obj = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {
            "name": "eunomia",
            "namespace": "eunomia",
            "labels": {
                "app.kubernetes.io/name": "eunomia",
                "app.kubernetes.io/component": "monitor",
                "app.kubernetes.io/part-of": "eunomia",
            },
        },
        "spec": {"groups": rules["groups"]},
    }
    sys.stdout.write("# SPDX-License-Identifier: GPL-2.0-only\n"
                     "# Generated from monitoring/eunomia-rules.yml by make monitoring: edit that file.\n"
                     "# kubectl apply -f deploy/monitoring/prometheusrule.yaml (needs the Prometheus\n"
                     "# Operator's CRDs; add the labels your Prometheus's ruleSelector asks for).\n")
    yaml.SafeDumper.add_representer(str, block)
    yaml.safe_dump(obj, sys.stdout, sort_keys=False, default_flow_style=False, width=100)


if __name__ == "__main__":
    main(sys.argv[1])
