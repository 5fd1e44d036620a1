/// The generic dashboard, `Dashboards/funnel-overview.json` byte for byte: every pipeline through the `pipeline`
/// variable. `DashboardGeneratorTests` keeps the two equal; change this and regenerate the file with
/// `funnel generate dashboard --output Dashboards/funnel-overview.json`.
extension DashboardGenerator {
    static let genericDashboard = #"""
{
  "__inputs": [
    {
      "name": "DS_PROMETHEUS",
      "label": "Prometheus",
      "description": "Prometheus that scrapes Funnel (job=\"funnel\")",
      "type": "datasource",
      "pluginId": "prometheus",
      "pluginName": "Prometheus"
    }
  ],
  "__elements": {},
  "__requires": [
    {
      "type": "grafana",
      "id": "grafana",
      "name": "Grafana",
      "version": "10.4.0"
    },
    {
      "type": "datasource",
      "id": "prometheus",
      "name": "Prometheus",
      "version": "1.0.0"
    },
    {
      "type": "panel",
      "id": "bargauge",
      "name": "Bar gauge",
      "version": ""
    },
    {
      "type": "panel",
      "id": "piechart",
      "name": "Pie chart",
      "version": ""
    },
    {
      "type": "panel",
      "id": "stat",
      "name": "Stat",
      "version": ""
    },
    {
      "type": "panel",
      "id": "state-timeline",
      "name": "State timeline",
      "version": ""
    },
    {
      "type": "panel",
      "id": "timeseries",
      "name": "Time series",
      "version": ""
    }
  ],
  "annotations": {
    "list": [
      {
        "builtIn": 1,
        "datasource": {
          "type": "grafana",
          "uid": "-- Grafana --"
        },
        "enable": true,
        "hide": true,
        "iconColor": "rgba(0, 211, 255, 1)",
        "name": "Annotations & Alerts",
        "type": "dashboard"
      }
    ]
  },
  "description": "Where events are lost in each pipeline, how fast they move, and whether Funnel itself is healthy.",
  "editable": true,
  "fiscalYearStartMonth": 0,
  "graphTooltip": 1,
  "id": null,
  "links": [
    {
      "title": "Runbooks",
      "type": "link",
      "icon": "doc",
      "url": "https://github.com/funnel-observability/funnel/blob/main/Alerts/README.md#runbooks",
      "targetBlank": true,
      "asDropdown": false,
      "includeVars": false,
      "keepTime": false,
      "tags": [],
      "tooltip": ""
    }
  ],
  "liveNow": false,
  "panels": [
    {
      "type": "row",
      "id": 1,
      "title": "Overview",
      "collapsed": false,
      "gridPos": {
        "h": 1,
        "w": 24,
        "x": 0,
        "y": 0
      },
      "panels": []
    },
    {
      "type": "stat",
      "id": 2,
      "title": "Delivery ratio",
      "description": "Settled events delivered by the last stage divided by settled events ingested by the first stage, over Funnel's retention (funnel_pipeline_delivery_ratio). Empty until a bucket has settled.",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 5,
        "w": 8,
        "x": 0,
        "y": 1
      },
      "fieldConfig": {
        "defaults": {
          "unit": "percentunit",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "red",
                "value": null
              },
              {
                "color": "orange",
                "value": 0.99
              },
              {
                "color": "green",
                "value": 0.999
              }
            ]
          },
          "mappings": [],
          "decimals": 2
        },
        "overrides": []
      },
      "options": {
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "colorMode": "value",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "textMode": "auto"
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "max by (pipeline) (funnel_pipeline_delivery_ratio{pipeline=~\"$pipeline\"})",
          "legendFormat": "{{pipeline}}",
          "range": false,
          "instant": true,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "stat",
      "id": 3,
      "title": "Silently lost events",
      "description": "Settled events that stages received but neither passed on, failed nor dead-lettered, within retention.",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 5,
        "w": 4,
        "x": 8,
        "y": 1
      },
      "fieldConfig": {
        "defaults": {
          "unit": "short",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              },
              {
                "color": "red",
                "value": 1
              }
            ]
          },
          "mappings": []
        },
        "overrides": []
      },
      "options": {
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "colorMode": "value",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "textMode": "auto"
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "sum(funnel_stage_lost_events{pipeline=~\"$pipeline\"})",
          "legendFormat": "stages",
          "range": false,
          "instant": true,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "stat",
      "id": 4,
      "title": "Lost in transit",
      "description": "Settled events passed on by one stage and never received by the next, within retention.",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 5,
        "w": 4,
        "x": 12,
        "y": 1
      },
      "fieldConfig": {
        "defaults": {
          "unit": "short",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              },
              {
                "color": "red",
                "value": 1
              }
            ]
          },
          "mappings": []
        },
        "overrides": []
      },
      "options": {
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "colorMode": "value",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "textMode": "auto"
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "sum(funnel_transit_lost_events{pipeline=~\"$pipeline\"})",
          "legendFormat": "transit",
          "range": false,
          "instant": true,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "stat",
      "id": 5,
      "title": "In flight",
      "description": "Events received but not yet accounted for in buckets that have not settled yet.",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 5,
        "w": 4,
        "x": 16,
        "y": 1
      },
      "fieldConfig": {
        "defaults": {
          "unit": "short",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "blue",
                "value": null
              }
            ]
          },
          "mappings": []
        },
        "overrides": []
      },
      "options": {
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "colorMode": "value",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "textMode": "auto"
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "sum(funnel_stage_in_flight_events{pipeline=~\"$pipeline\"})",
          "legendFormat": "in flight",
          "range": false,
          "instant": true,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "stat",
      "id": 6,
      "title": "Dead-lettered (DLQ depth)",
      "description": "Events currently waiting in the pipelines' dead-letter queues.",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 5,
        "w": 4,
        "x": 20,
        "y": 1
      },
      "fieldConfig": {
        "defaults": {
          "unit": "short",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              },
              {
                "color": "orange",
                "value": 1
              },
              {
                "color": "red",
                "value": 1000
              }
            ]
          },
          "mappings": []
        },
        "overrides": []
      },
      "options": {
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "colorMode": "value",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "textMode": "auto"
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "sum(funnel_dlq_depth{pipeline=~\"$pipeline\"})",
          "legendFormat": "DLQ",
          "range": false,
          "instant": true,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "bargauge",
      "id": 7,
      "title": "Funnel: $pipeline",
      "description": "Settled events received and passed on by each stage over the dashboard's time range, in pipeline order. A bar that is shorter than the one above it is where events drop out.",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "repeat": "pipeline",
      "repeatDirection": "h",
      "maxPerRow": 3,
      "gridPos": {
        "h": 9,
        "w": 24,
        "x": 0,
        "y": 6
      },
      "fieldConfig": {
        "defaults": {
          "unit": "short",
          "min": 0,
          "decimals": 0,
          "color": {
            "mode": "fixed",
            "fixedColor": "blue"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          }
        },
        "overrides": [
          {
            "matcher": {
              "id": "byName",
              "options": "received"
            },
            "properties": [
              {
                "id": "color",
                "value": {
                  "mode": "fixed",
                  "fixedColor": "blue"
                }
              }
            ]
          },
          {
            "matcher": {
              "id": "byName",
              "options": "passed"
            },
            "properties": [
              {
                "id": "color",
                "value": {
                  "mode": "fixed",
                  "fixedColor": "green"
                }
              }
            ]
          }
        ]
      },
      "options": {
        "reduceOptions": {
          "calcs": [],
          "fields": "",
          "values": true
        },
        "orientation": "horizontal",
        "displayMode": "gradient",
        "valueMode": "color",
        "namePlacement": "left",
        "showUnfilled": true,
        "sizing": "auto",
        "minVizHeight": 16,
        "minVizWidth": 8,
        "maxVizHeight": 300
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "sum by (stage) (increase(funnel_stage_settled_events_total{pipeline=~\"$pipeline\", outcome=\"received\"}[$__range]))",
          "legendFormat": "__auto",
          "range": false,
          "instant": true,
          "editorMode": "code",
          "format": "table"
        },
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "B",
          "expr": "sum by (stage) (increase(funnel_stage_settled_events_total{pipeline=~\"$pipeline\", outcome=\"passed\"}[$__range]))",
          "legendFormat": "__auto",
          "range": false,
          "instant": true,
          "editorMode": "code",
          "format": "table"
        },
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "C",
          "expr": "max by (stage) (funnel_stage_position{pipeline=~\"$pipeline\"})",
          "legendFormat": "__auto",
          "range": false,
          "instant": true,
          "editorMode": "code",
          "format": "table"
        }
      ],
      "transformations": [
        {
          "id": "merge",
          "options": {}
        },
        {
          "id": "sortBy",
          "options": {
            "fields": {},
            "sort": [
              {
                "field": "Value #C",
                "desc": false
              }
            ]
          }
        },
        {
          "id": "organize",
          "options": {
            "excludeByName": {
              "Time": true,
              "Value #C": true
            },
            "indexByName": {
              "stage": 0,
              "Value #A": 1,
              "Value #B": 2
            },
            "renameByName": {
              "Value #A": "received",
              "Value #B": "passed"
            }
          }
        }
      ]
    },
    {
      "type": "row",
      "id": 8,
      "title": "Loss",
      "collapsed": false,
      "gridPos": {
        "h": 1,
        "w": 24,
        "x": 0,
        "y": 15
      },
      "panels": []
    },
    {
      "type": "timeseries",
      "id": 9,
      "title": "Silent loss per stage",
      "description": "Settled events each stage received but neither passed on, failed nor dead-lettered, within retention (funnel_stage_lost_events). Drawn below zero: the excess side, where a stage accounted for more events than it received (duplicates, double reporting).",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 8,
        "w": 12,
        "x": 0,
        "y": 16
      },
      "fieldConfig": {
        "defaults": {
          "unit": "short",
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineWidth": 1,
            "fillOpacity": 10,
            "showPoints": "never",
            "spanNulls": false,
            "stacking": {
              "mode": "none",
              "group": "A"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          }
        },
        "overrides": [
          {
            "matcher": {
              "id": "byFrameRefID",
              "options": "B"
            },
            "properties": [
              {
                "id": "custom.transform",
                "value": "negative-Y"
              }
            ]
          }
        ]
      },
      "options": {
        "legend": {
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true,
          "calcs": [
            "lastNotNull",
            "max"
          ]
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "sum by (pipeline, stage) (funnel_stage_lost_events{pipeline=~\"$pipeline\"})",
          "legendFormat": "{{pipeline}} / {{stage}} lost",
          "range": true,
          "instant": false,
          "editorMode": "code"
        },
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "B",
          "expr": "sum by (pipeline, stage) (funnel_stage_excess_events{pipeline=~\"$pipeline\"})",
          "legendFormat": "{{pipeline}} / {{stage}} excess",
          "range": true,
          "instant": false,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "timeseries",
      "id": 10,
      "title": "Transit loss per hop",
      "description": "Settled events passed on by a stage and never received by the next one, within retention (funnel_transit_lost_events). Drawn below zero: more received than was passed on.",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 8,
        "w": 12,
        "x": 12,
        "y": 16
      },
      "fieldConfig": {
        "defaults": {
          "unit": "short",
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineWidth": 1,
            "fillOpacity": 10,
            "showPoints": "never",
            "spanNulls": false,
            "stacking": {
              "mode": "none",
              "group": "A"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          }
        },
        "overrides": [
          {
            "matcher": {
              "id": "byFrameRefID",
              "options": "B"
            },
            "properties": [
              {
                "id": "custom.transform",
                "value": "negative-Y"
              }
            ]
          }
        ]
      },
      "options": {
        "legend": {
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true,
          "calcs": [
            "lastNotNull",
            "max"
          ]
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "sum by (pipeline, from_stage, to_stage) (funnel_transit_lost_events{pipeline=~\"$pipeline\"})",
          "legendFormat": "{{pipeline}} / {{from_stage}} → {{to_stage}} lost",
          "range": true,
          "instant": false,
          "editorMode": "code"
        },
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "B",
          "expr": "sum by (pipeline, from_stage, to_stage) (funnel_transit_excess_events{pipeline=~\"$pipeline\"})",
          "legendFormat": "{{pipeline}} / {{from_stage}} → {{to_stage}} excess",
          "range": true,
          "instant": false,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "timeseries",
      "id": 11,
      "title": "Loss ratio, last hour (settled)",
      "description": "Share of a stage's input lost silently, and share of a hop's traffic lost in transit, over the last hour of settled buckets. The dashed line is the 0.1% alert threshold. Needs the recording rules from Alerts/funnel-rules.yml.",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 8,
        "w": 12,
        "x": 0,
        "y": 24
      },
      "fieldConfig": {
        "defaults": {
          "unit": "percentunit",
          "min": 0,
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineWidth": 1,
            "fillOpacity": 10,
            "showPoints": "never",
            "spanNulls": false,
            "stacking": {
              "mode": "none",
              "group": "A"
            },
            "thresholdsStyle": {
              "mode": "dashed"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "transparent",
                "value": null
              },
              {
                "color": "red",
                "value": 0.001
              }
            ]
          }
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true,
          "calcs": [
            "lastNotNull",
            "max"
          ]
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "funnel:stage_silent_loss_ratio:1h{pipeline=~\"$pipeline\"}",
          "legendFormat": "{{pipeline}} / {{stage}} silent",
          "range": true,
          "instant": false,
          "editorMode": "code"
        },
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "B",
          "expr": "funnel:transit_loss_ratio:1h{pipeline=~\"$pipeline\"}",
          "legendFormat": "{{pipeline}} / {{from_stage}} → {{to_stage}} transit",
          "range": true,
          "instant": false,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "piechart",
      "id": 12,
      "title": "Share of the loss",
      "description": "Where the settled lost events (within retention) were lost: in a stage, or between two stages.",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 8,
        "w": 12,
        "x": 12,
        "y": 24
      },
      "fieldConfig": {
        "defaults": {
          "unit": "short",
          "color": {
            "mode": "palette-classic"
          }
        },
        "overrides": []
      },
      "options": {
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "pieType": "donut",
        "displayLabels": [
          "percent"
        ],
        "legend": {
          "displayMode": "table",
          "placement": "right",
          "showLegend": true,
          "values": [
            "value",
            "percent"
          ]
        },
        "tooltip": {
          "mode": "single",
          "sort": "none"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "sum by (pipeline, stage) (funnel_stage_lost_events{pipeline=~\"$pipeline\"}) > 0",
          "legendFormat": "{{pipeline}} / {{stage}}",
          "range": false,
          "instant": true,
          "editorMode": "code"
        },
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "B",
          "expr": "sum by (pipeline, from_stage, to_stage) (funnel_transit_lost_events{pipeline=~\"$pipeline\"}) > 0",
          "legendFormat": "{{pipeline}} / {{from_stage}} → {{to_stage}} (transit)",
          "range": false,
          "instant": true,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "row",
      "id": 13,
      "title": "Flow",
      "collapsed": false,
      "gridPos": {
        "h": 1,
        "w": 24,
        "x": 0,
        "y": 32
      },
      "panels": []
    },
    {
      "type": "timeseries",
      "id": 14,
      "title": "Events per second by stage and outcome",
      "description": "As reported (not yet settled): is every stage receiving and passing on events right now?",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 8,
        "w": 12,
        "x": 0,
        "y": 33
      },
      "fieldConfig": {
        "defaults": {
          "unit": "ops",
          "min": 0,
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineWidth": 1,
            "fillOpacity": 10,
            "showPoints": "never",
            "spanNulls": false,
            "stacking": {
              "mode": "none",
              "group": "A"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          }
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true,
          "calcs": [
            "lastNotNull",
            "max"
          ]
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "sum by (pipeline, stage, outcome) (rate(funnel_stage_events_total{pipeline=~\"$pipeline\"}[$__rate_interval]))",
          "legendFormat": "{{pipeline}} / {{stage}} {{outcome}}",
          "range": true,
          "instant": false,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "timeseries",
      "id": 15,
      "title": "In flight per stage",
      "description": "Difference between what each stage received and what it accounted for in buckets that have not settled yet. It should stay flat; a steady climb means a stage is falling behind or dropping events.",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 8,
        "w": 12,
        "x": 12,
        "y": 33
      },
      "fieldConfig": {
        "defaults": {
          "unit": "short",
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineWidth": 1,
            "fillOpacity": 10,
            "showPoints": "never",
            "spanNulls": false,
            "stacking": {
              "mode": "none",
              "group": "A"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          }
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true,
          "calcs": [
            "lastNotNull",
            "max"
          ]
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "sum by (pipeline, stage) (funnel_stage_in_flight_events{pipeline=~\"$pipeline\"})",
          "legendFormat": "{{pipeline}} / {{stage}}",
          "range": true,
          "instant": false,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "timeseries",
      "id": 16,
      "title": "Dead-lettered events per second",
      "description": "Events each stage sends to its dead-letter queue (as reported).",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 8,
        "w": 8,
        "x": 0,
        "y": 41
      },
      "fieldConfig": {
        "defaults": {
          "unit": "ops",
          "min": 0,
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineWidth": 1,
            "fillOpacity": 10,
            "showPoints": "never",
            "spanNulls": false,
            "stacking": {
              "mode": "none",
              "group": "A"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          }
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true,
          "calcs": [
            "lastNotNull",
            "max"
          ]
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "sum by (pipeline, stage) (rate(funnel_stage_events_total{pipeline=~\"$pipeline\", outcome=\"dead_lettered\"}[$__rate_interval]))",
          "legendFormat": "{{pipeline}} / {{stage}}",
          "range": true,
          "instant": false,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "timeseries",
      "id": 17,
      "title": "DLQ depth per queue",
      "description": "Events waiting in each dead-letter queue. The dashed line is the FunnelDLQDepthHigh threshold (1000).",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 8,
        "w": 8,
        "x": 8,
        "y": 41
      },
      "fieldConfig": {
        "defaults": {
          "unit": "short",
          "min": 0,
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineWidth": 1,
            "fillOpacity": 10,
            "showPoints": "never",
            "spanNulls": false,
            "stacking": {
              "mode": "none",
              "group": "A"
            },
            "thresholdsStyle": {
              "mode": "dashed"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "transparent",
                "value": null
              },
              {
                "color": "red",
                "value": 1000
              }
            ]
          }
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true,
          "calcs": [
            "lastNotNull",
            "max"
          ]
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "max by (pipeline, queue) (funnel_dlq_depth{pipeline=~\"$pipeline\"})",
          "legendFormat": "{{pipeline}} / {{queue}}",
          "range": true,
          "instant": false,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "timeseries",
      "id": 18,
      "title": "DLQ depth report age",
      "description": "Seconds since each queue's depth was last reported. A growing age means the depth shown is stale.",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 8,
        "w": 8,
        "x": 16,
        "y": 41
      },
      "fieldConfig": {
        "defaults": {
          "unit": "s",
          "min": 0,
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineWidth": 1,
            "fillOpacity": 10,
            "showPoints": "never",
            "spanNulls": false,
            "stacking": {
              "mode": "none",
              "group": "A"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          }
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true,
          "calcs": [
            "lastNotNull",
            "max"
          ]
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "max by (pipeline, queue) (funnel_dlq_depth_age_seconds{pipeline=~\"$pipeline\"})",
          "legendFormat": "{{pipeline}} / {{queue}}",
          "range": true,
          "instant": false,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "row",
      "id": 19,
      "title": "Latency",
      "collapsed": false,
      "gridPos": {
        "h": 1,
        "w": 24,
        "x": 0,
        "y": 49
      },
      "panels": []
    },
    {
      "type": "timeseries",
      "id": 20,
      "title": "Stage latency p50 / p95 / p99",
      "description": "Time each stage takes per event, from the funnel_stage_latency_seconds histogram. The dashed line is the FunnelStageLatencyP95High threshold (60s).",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 9,
        "w": 12,
        "x": 0,
        "y": 50
      },
      "fieldConfig": {
        "defaults": {
          "unit": "s",
          "min": 0,
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineWidth": 1,
            "fillOpacity": 10,
            "showPoints": "never",
            "spanNulls": false,
            "stacking": {
              "mode": "none",
              "group": "A"
            },
            "thresholdsStyle": {
              "mode": "dashed"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "transparent",
                "value": null
              },
              {
                "color": "red",
                "value": 60
              }
            ]
          }
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true,
          "calcs": [
            "lastNotNull",
            "max"
          ]
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "histogram_quantile(0.5, sum by (pipeline, stage, le) (rate(funnel_stage_latency_seconds_bucket{pipeline=~\"$pipeline\"}[$__rate_interval])))",
          "legendFormat": "{{pipeline}} / {{stage}} p50",
          "range": true,
          "instant": false,
          "editorMode": "code"
        },
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "B",
          "expr": "histogram_quantile(0.95, sum by (pipeline, stage, le) (rate(funnel_stage_latency_seconds_bucket{pipeline=~\"$pipeline\"}[$__rate_interval])))",
          "legendFormat": "{{pipeline}} / {{stage}} p95",
          "range": true,
          "instant": false,
          "editorMode": "code"
        },
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "C",
          "expr": "histogram_quantile(0.99, sum by (pipeline, stage, le) (rate(funnel_stage_latency_seconds_bucket{pipeline=~\"$pipeline\"}[$__rate_interval])))",
          "legendFormat": "{{pipeline}} / {{stage}} p99",
          "range": true,
          "instant": false,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "timeseries",
      "id": 21,
      "title": "End-to-end latency p50 / p95 / p99",
      "description": "Time from ingestion by the first stage to delivery by the last, from the funnel_pipeline_end_to_end_latency_seconds histogram.",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 9,
        "w": 12,
        "x": 12,
        "y": 50
      },
      "fieldConfig": {
        "defaults": {
          "unit": "s",
          "min": 0,
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineWidth": 1,
            "fillOpacity": 10,
            "showPoints": "never",
            "spanNulls": false,
            "stacking": {
              "mode": "none",
              "group": "A"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          }
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true,
          "calcs": [
            "lastNotNull",
            "max"
          ]
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "histogram_quantile(0.5, sum by (pipeline, le) (rate(funnel_pipeline_end_to_end_latency_seconds_bucket{pipeline=~\"$pipeline\"}[$__rate_interval])))",
          "legendFormat": "{{pipeline}} p50",
          "range": true,
          "instant": false,
          "editorMode": "code"
        },
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "B",
          "expr": "histogram_quantile(0.95, sum by (pipeline, le) (rate(funnel_pipeline_end_to_end_latency_seconds_bucket{pipeline=~\"$pipeline\"}[$__rate_interval])))",
          "legendFormat": "{{pipeline}} p95",
          "range": true,
          "instant": false,
          "editorMode": "code"
        },
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "C",
          "expr": "histogram_quantile(0.99, sum by (pipeline, le) (rate(funnel_pipeline_end_to_end_latency_seconds_bucket{pipeline=~\"$pipeline\"}[$__rate_interval])))",
          "legendFormat": "{{pipeline}} p99",
          "range": true,
          "instant": false,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "row",
      "id": 22,
      "title": "Alarms",
      "collapsed": false,
      "gridPos": {
        "h": 1,
        "w": 24,
        "x": 0,
        "y": 59
      },
      "panels": []
    },
    {
      "type": "state-timeline",
      "id": 23,
      "title": "Funnel alarm states",
      "description": "State of each alarm Funnel evaluates itself (funnel_alarm_state): inactive, pending or firing.",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 8,
        "w": 24,
        "x": 0,
        "y": 60
      },
      "fieldConfig": {
        "defaults": {
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              },
              {
                "color": "yellow",
                "value": 1
              },
              {
                "color": "red",
                "value": 2
              }
            ]
          },
          "mappings": [
            {
              "type": "value",
              "options": {
                "0": {
                  "text": "inactive",
                  "color": "green",
                  "index": 0
                },
                "1": {
                  "text": "pending",
                  "color": "yellow",
                  "index": 1
                },
                "2": {
                  "text": "firing",
                  "color": "red",
                  "index": 2
                }
              }
            }
          ],
          "custom": {
            "fillOpacity": 80,
            "lineWidth": 0
          }
        },
        "overrides": []
      },
      "options": {
        "mergeValues": true,
        "showValue": "never",
        "alignValue": "left",
        "rowHeight": 0.9,
        "legend": {
          "displayMode": "list",
          "placement": "bottom",
          "showLegend": true
        },
        "tooltip": {
          "mode": "single",
          "sort": "none"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "max by (alarm) (funnel_alarm_state)",
          "legendFormat": "{{alarm}}",
          "range": true,
          "instant": false,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "row",
      "id": 24,
      "title": "Funnel health",
      "collapsed": false,
      "gridPos": {
        "h": 1,
        "w": 24,
        "x": 0,
        "y": 68
      },
      "panels": []
    },
    {
      "type": "stat",
      "id": 25,
      "title": "Funnel instances up",
      "description": "Whether Prometheus can scrape each Funnel instance (up{job=\"funnel\"}).",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 5,
        "w": 6,
        "x": 0,
        "y": 69
      },
      "fieldConfig": {
        "defaults": {
          "unit": "short",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "red",
                "value": null
              },
              {
                "color": "green",
                "value": 1
              }
            ]
          },
          "mappings": [
            {
              "type": "value",
              "options": {
                "0": {
                  "text": "DOWN",
                  "index": 0
                },
                "1": {
                  "text": "UP",
                  "index": 1
                }
              }
            }
          ]
        },
        "overrides": []
      },
      "options": {
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "colorMode": "background",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "textMode": "auto"
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "up{job=\"funnel\"}",
          "legendFormat": "{{instance}}",
          "range": false,
          "instant": true,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "stat",
      "id": 26,
      "title": "Funnel version",
      "description": "Version of each running Funnel build (funnel_build_info).",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 5,
        "w": 6,
        "x": 6,
        "y": 69
      },
      "fieldConfig": {
        "defaults": {
          "unit": "short",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          },
          "mappings": []
        },
        "overrides": []
      },
      "options": {
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "colorMode": "none",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "textMode": "name"
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "count by (version) (funnel_build_info)",
          "legendFormat": "{{version}}",
          "range": false,
          "instant": true,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "stat",
      "id": 27,
      "title": "Webhook outbox depth",
      "description": "Alarm notifications waiting to be delivered to webhook receivers.",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 5,
        "w": 6,
        "x": 12,
        "y": 69
      },
      "fieldConfig": {
        "defaults": {
          "unit": "short",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              },
              {
                "color": "orange",
                "value": 10
              },
              {
                "color": "red",
                "value": 100
              }
            ]
          },
          "mappings": []
        },
        "overrides": []
      },
      "options": {
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "colorMode": "value",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "textMode": "auto"
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "sum(funnel_webhook_outbox_depth)",
          "legendFormat": "outbox",
          "range": false,
          "instant": true,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "stat",
      "id": 28,
      "title": "Rejected reports",
      "description": "Share of ingest reports Funnel rejected over the last 10 minutes.",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 5,
        "w": 6,
        "x": 18,
        "y": 69
      },
      "fieldConfig": {
        "defaults": {
          "unit": "percentunit",
          "color": {
            "mode": "thresholds"
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              },
              {
                "color": "orange",
                "value": 0.01
              },
              {
                "color": "red",
                "value": 0.05
              }
            ]
          },
          "mappings": [],
          "decimals": 2
        },
        "overrides": []
      },
      "options": {
        "reduceOptions": {
          "calcs": [
            "lastNotNull"
          ],
          "fields": "",
          "values": false
        },
        "colorMode": "value",
        "graphMode": "none",
        "justifyMode": "auto",
        "orientation": "auto",
        "textMode": "auto"
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "sum(rate(funnel_ingest_rejected_total[10m])) / (sum(rate(funnel_ingest_reports_total[10m])) + sum(rate(funnel_ingest_rejected_total[10m])))",
          "legendFormat": "rejected",
          "range": false,
          "instant": true,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "timeseries",
      "id": 29,
      "title": "Accepted reports per second",
      "description": "Count reports Funnel accepted from pipeline components.",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 8,
        "w": 12,
        "x": 0,
        "y": 74
      },
      "fieldConfig": {
        "defaults": {
          "unit": "reqps",
          "min": 0,
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineWidth": 1,
            "fillOpacity": 10,
            "showPoints": "never",
            "spanNulls": false,
            "stacking": {
              "mode": "none",
              "group": "A"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          }
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true,
          "calcs": [
            "lastNotNull",
            "max"
          ]
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "sum(rate(funnel_ingest_reports_total[$__rate_interval]))",
          "legendFormat": "accepted",
          "range": true,
          "instant": false,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "timeseries",
      "id": 30,
      "title": "Rejected reports per second by reason",
      "description": "Count reports Funnel rejected. Rejected reports are not counted, so loss figures are unreliable while this is non-zero.",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 8,
        "w": 12,
        "x": 12,
        "y": 74
      },
      "fieldConfig": {
        "defaults": {
          "unit": "reqps",
          "min": 0,
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineWidth": 1,
            "fillOpacity": 10,
            "showPoints": "never",
            "spanNulls": false,
            "stacking": {
              "mode": "normal",
              "group": "A"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          }
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true,
          "calcs": [
            "lastNotNull",
            "max"
          ]
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "sum by (reason) (rate(funnel_ingest_rejected_total[$__rate_interval]))",
          "legendFormat": "{{reason}}",
          "range": true,
          "instant": false,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "timeseries",
      "id": 31,
      "title": "Late reports per second",
      "description": "Reports that arrived for buckets that had already settled. They are not counted, so a stage that reports late shows up as loss.",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 8,
        "w": 12,
        "x": 0,
        "y": 82
      },
      "fieldConfig": {
        "defaults": {
          "unit": "reqps",
          "min": 0,
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineWidth": 1,
            "fillOpacity": 10,
            "showPoints": "never",
            "spanNulls": false,
            "stacking": {
              "mode": "none",
              "group": "A"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          }
        },
        "overrides": []
      },
      "options": {
        "legend": {
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true,
          "calcs": [
            "lastNotNull",
            "max"
          ]
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "sum by (pipeline, stage) (rate(funnel_late_events_total{pipeline=~\"$pipeline\"}[$__rate_interval]))",
          "legendFormat": "{{pipeline}} / {{stage}}",
          "range": true,
          "instant": false,
          "editorMode": "code"
        }
      ]
    },
    {
      "type": "timeseries",
      "id": 32,
      "title": "Webhook deliveries per second",
      "description": "Alarm notifications sent to webhook receivers, by result.",
      "datasource": {
        "type": "prometheus",
        "uid": "${DS_PROMETHEUS}"
      },
      "gridPos": {
        "h": 8,
        "w": 12,
        "x": 12,
        "y": 82
      },
      "fieldConfig": {
        "defaults": {
          "unit": "reqps",
          "min": 0,
          "color": {
            "mode": "palette-classic"
          },
          "custom": {
            "drawStyle": "line",
            "lineWidth": 1,
            "fillOpacity": 10,
            "showPoints": "never",
            "spanNulls": false,
            "stacking": {
              "mode": "none",
              "group": "A"
            },
            "thresholdsStyle": {
              "mode": "off"
            }
          },
          "thresholds": {
            "mode": "absolute",
            "steps": [
              {
                "color": "green",
                "value": null
              }
            ]
          }
        },
        "overrides": [
          {
            "matcher": {
              "id": "byRegexp",
              "options": ".* success"
            },
            "properties": [
              {
                "id": "color",
                "value": {
                  "mode": "fixed",
                  "fixedColor": "green"
                }
              }
            ]
          },
          {
            "matcher": {
              "id": "byRegexp",
              "options": ".* retry"
            },
            "properties": [
              {
                "id": "color",
                "value": {
                  "mode": "fixed",
                  "fixedColor": "orange"
                }
              }
            ]
          },
          {
            "matcher": {
              "id": "byRegexp",
              "options": ".* failure"
            },
            "properties": [
              {
                "id": "color",
                "value": {
                  "mode": "fixed",
                  "fixedColor": "red"
                }
              }
            ]
          }
        ]
      },
      "options": {
        "legend": {
          "displayMode": "table",
          "placement": "bottom",
          "showLegend": true,
          "calcs": [
            "lastNotNull",
            "max"
          ]
        },
        "tooltip": {
          "mode": "multi",
          "sort": "desc"
        }
      },
      "targets": [
        {
          "datasource": {
            "type": "prometheus",
            "uid": "${DS_PROMETHEUS}"
          },
          "refId": "A",
          "expr": "sum by (receiver, result) (rate(funnel_webhook_deliveries_total[$__rate_interval]))",
          "legendFormat": "{{receiver}} {{result}}",
          "range": true,
          "instant": false,
          "editorMode": "code"
        }
      ]
    }
  ],
  "refresh": "1m",
  "schemaVersion": 39,
  "tags": [
    "funnel",
    "pipelines"
  ],
  "templating": {
    "list": [
      {
        "name": "DS_PROMETHEUS",
        "label": "Data source",
        "type": "datasource",
        "query": "prometheus",
        "current": {},
        "hide": 0,
        "includeAll": false,
        "multi": false,
        "options": [],
        "refresh": 1,
        "regex": "",
        "skipUrlSync": false
      },
      {
        "name": "pipeline",
        "label": "Pipeline",
        "type": "query",
        "datasource": {
          "type": "prometheus",
          "uid": "${DS_PROMETHEUS}"
        },
        "definition": "label_values(funnel_stage_events_total, pipeline)",
        "query": {
          "qryType": 1,
          "query": "label_values(funnel_stage_events_total, pipeline)",
          "refId": "PrometheusVariableQueryEditor-VariableQuery"
        },
        "current": {
          "selected": true,
          "text": [
            "All"
          ],
          "value": [
            "$__all"
          ]
        },
        "hide": 0,
        "includeAll": true,
        "allValue": ".*",
        "multi": true,
        "options": [],
        "refresh": 2,
        "regex": "",
        "skipUrlSync": false,
        "sort": 1
      }
    ]
  },
  "time": {
    "from": "now-6h",
    "to": "now"
  },
  "timepicker": {},
  "timezone": "",
  "title": "Funnel / Overview",
  "uid": "funnel-overview",
  "version": 1,
  "weekStart": ""
}
"""#
}
